// A guest's screen: each viewer gets its own connection to QEMU's VNC server on the guest's unix socket (QEMU takes
// several clients; noVNC asks for a shared session in its ClientInit), and the bytes are piped both ways untouched.
// Closing a viewer closes only its connection: QEMU drops that client, the guest does not notice.
import { createConnection, type Socket } from 'node:net';
import { CgvirtError } from '../../../shared';
import { CLOSE_REASONS, ConsoleStreamBase } from './stream';

/** Viewer bytes waiting for QEMU to read them, before the viewer is closed (RFB client messages are small). */
export const VNC_INPUT_CAP = 4 << 20;
/** QEMU closes its sockets a moment before the engine sees it exit: how long to wait to tell the two apart. */
const EXIT_GRACE_MS = 1000;

export class VncStream extends ConsoleStreamBase {
  private flowing = false;

  constructor(
    guest: string,
    private readonly socket: Socket,
    /** Resolves when the guest's QEMU is gone. */
    exited: Promise<unknown>,
  ) {
    super(guest, 'vnc');
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      if (this.ended) return;
      // The guest exiting closes the socket too: say so when that is why.
      const timer = setTimeout(() => this.end(`the screen of '${guest}' closed the connection`), EXIT_GRACE_MS);
      timer.unref();
      void exited.then(() => {
        clearTimeout(timer);
        this.end(CLOSE_REASONS.guestStopped);
      });
    });
  }

  write(chunk: Uint8Array): void {
    if (this.ended || this.socket.destroyed || chunk.byteLength === 0) return;
    if (this.socket.writableLength + chunk.byteLength > VNC_INPUT_CAP) {
      this.end(`QEMU does not read this viewer's input (over ${VNC_INPUT_CAP >> 20} MiB are waiting); the screen was closed`);
      return;
    }
    this.socket.write(chunk);
  }

  // Until a listener is there the socket is not read (beyond Node's one buffer): nothing queues in the engine.
  protected listening(): void {
    if (this.flowing) return;
    this.flowing = true;
    this.socket.on('data', (chunk: Buffer) => this.emit(chunk));
  }

  protected release(): void {
    this.socket.destroy();
  }
}

/** Connects a new viewer to the guest's VNC socket; `exited` resolves when the guest's QEMU is gone. */
export function connectVnc(guest: string, socketPath: string, exited: Promise<unknown>): Promise<VncStream> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath });
    const failed = (e: Error) => {
      socket.destroy();
      reject(new CgvirtError('OPERATION_FAILED', `cannot connect to the screen of '${guest}' (${socketPath}): ${e.message}`));
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      socket.off('error', failed);
      resolve(new VncStream(guest, socket, exited));
    });
  });
}
