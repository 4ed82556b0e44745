// noVNC ships JavaScript only (its package's main export is core/rfb.js). The part of RFB the Console tab uses, from
// its docs/API.md for 1.7.0; add a member here when the window starts to use it.
declare module '@novnc/novnc' {
  /** What RFB accepts instead of a URL: a WebSocket or anything with the same members (it checks their names). */
  export interface RfbChannel {
    binaryType: string;
    readonly protocol: string;
    readonly readyState: number | string;
    send(data: ArrayBuffer | Uint8Array | string): void;
    close(): void;
    onopen: ((e: unknown) => void) | null;
    onmessage: ((e: { data: ArrayBuffer | string }) => void) | null;
    onclose: ((e: { code?: number; reason?: string }) => void) | null;
    onerror: ((e: unknown) => void) | null;
  }

  export interface RfbOptions {
    /** Ask the server to keep other clients connected (default true). */
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    repeaterID?: string;
    wsProtocols?: string[];
  }

  export interface RfbEventMap {
    connect: CustomEvent<Record<string, never>>;
    /** `clean` is false when the connection failed or was lost rather than closed in order. */
    disconnect: CustomEvent<{ clean: boolean }>;
    securityfailure: CustomEvent<{ status: number; reason?: string }>;
    credentialsrequired: CustomEvent<{ types: string[] }>;
    desktopname: CustomEvent<{ name: string }>;
  }

  /** A VNC session drawn on a canvas it appends to `target` (inside a div of its own that fills `target`). */
  export default class RFB {
    constructor(target: HTMLElement, urlOrChannel: string | RfbChannel, options?: RfbOptions);
    /** Focus the canvas (and so take the keyboard) on a click or touch; default true. */
    focusOnClick: boolean;
    viewOnly: boolean;
    /** Scale the remote screen to fit the element (down and up), keeping its aspect ratio. */
    scaleViewport: boolean;
    clipViewport: boolean;
    dragViewport: boolean;
    /** Ask the server to change its resolution to the element's size. */
    resizeSession: boolean;
    showDotCursor: boolean;
    /** CSS background of the area around the remote screen. */
    background: string;
    qualityLevel: number;
    compressionLevel: number;
    readonly capabilities: { power: boolean };
    disconnect(): void;
    sendCtrlAltDel(): void;
    /** Sends a key press (or only its down or up half); `keysym` as X11 names it, `code` as KeyboardEvent.code does. */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    focus(options?: FocusOptions): void;
    blur(): void;
    clipboardPasteFrom(text: string): void;
    addEventListener<K extends keyof RfbEventMap>(type: K, listener: (e: RfbEventMap[K]) => void): void;
    removeEventListener<K extends keyof RfbEventMap>(type: K, listener: (e: RfbEventMap[K]) => void): void;
  }
}
