// A stand-in for noVNC's RFB in jsdom, which cannot run the real one: noVNC's Display needs a canvas 2D context and
// RFB a ResizeObserver, and jsdom has neither. Page tests replace the module with it
// (`vi.mock('@novnc/novnc', ...)`, named so in each test). It takes the channel over as RFB does (its on* handlers),
// puts a canvas of its own in the target, says `connect` when the stream opens and `disconnect` when it ends, and
// records what the page asked of it. The real noVNC against QEMU's VNC server is the end-to-end test's to show.
import type { RfbChannel, RfbEventMap, RfbOptions } from '@novnc/novnc';

type Listener = (e: CustomEvent<unknown>) => void;

export class RfbStandIn {
  /** Every RFB the page made, oldest first. */
  static readonly instances: RfbStandIn[] = [];
  static reset() {
    RfbStandIn.instances.length = 0;
  }

  focusOnClick = true;
  viewOnly = false;
  scaleViewport = false;
  clipViewport = false;
  dragViewport = false;
  resizeSession = false;
  showDotCursor = false;
  background = '';
  qualityLevel = 6;
  compressionLevel = 2;
  readonly capabilities = { power: false };
  /** How often the page sent Ctrl+Alt+Del. */
  ctrlAltDels = 0;
  /** The page called disconnect(). */
  disconnectedByPage = false;
  /** Bytes the stream delivered (the real RFB would decode them). */
  readonly received: (ArrayBuffer | string)[] = [];
  readonly canvas: HTMLCanvasElement;
  private readonly screen: HTMLDivElement;
  private readonly listeners = new Map<string, Set<Listener>>();
  private state: 'connecting' | 'connected' | 'disconnected' = 'connecting';

  constructor(
    readonly target: HTMLElement,
    readonly channel: RfbChannel,
    readonly options?: RfbOptions,
  ) {
    // As RFB does: a div filling the target, and in it a canvas out of the Tab order.
    this.screen = document.createElement('div');
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = -1;
    this.screen.appendChild(this.canvas);
    target.appendChild(this.screen);
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => this.connected();
    channel.onmessage = (e) => this.received.push(e.data);
    channel.onclose = () => this.ended();
    channel.onerror = () => {};
    RfbStandIn.instances.push(this);
    if (channel.readyState === 1) queueMicrotask(() => this.connected());
  }

  sendCtrlAltDel() {
    if (this.state === 'connected') this.ctrlAltDels++;
  }
  sendKey() {}
  focus(options?: FocusOptions) {
    this.canvas.focus(options);
  }
  blur() {
    this.canvas.blur();
  }
  clipboardPasteFrom() {}

  disconnect() {
    this.disconnectedByPage = true;
    // RFB closes the channel and says `disconnect` when its close arrives.
    this.channel.close();
  }

  addEventListener<K extends keyof RfbEventMap>(type: K, listener: (e: RfbEventMap[K]) => void) {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener);
  }
  removeEventListener<K extends keyof RfbEventMap>(type: K, listener: (e: RfbEventMap[K]) => void) {
    this.listeners.get(type)?.delete(listener as Listener);
  }

  private emit(type: keyof RfbEventMap, detail: unknown) {
    for (const l of [...(this.listeners.get(type) ?? [])]) l(new CustomEvent(type, { detail }));
  }
  private connected() {
    if (this.state !== 'connecting') return;
    this.state = 'connected';
    this.emit('connect', {});
  }
  private ended() {
    if (this.state === 'disconnected') return;
    // RFB calls a stream that ends before its handshake a failure (not clean).
    const clean = this.state === 'connected';
    this.state = 'disconnected';
    this.screen.remove();
    this.emit('disconnect', { clean });
  }
}
