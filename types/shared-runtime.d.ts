// The few globals that shared/ may use because every runtime it runs in has them (the renderer's DOM, Node, Electron),
// declared for tsconfig.shared.json alone, which has neither the DOM lib nor Node's types. Add one here only if it is
// in all three.
declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}
