// The start of the RFB protocol (RFC 6143), as much as tests need to see that a console stream is QEMU's VNC server:
// a queue of received bytes to read exact lengths from, and the handshake a viewer such as noVNC makes (version 3.8,
// security "None" — QEMU's unix-socket VNC has no password —, a shared session) up to the server's ServerInit.

/** Bytes as they arrive, read back in exact lengths. */
export class ByteQueue {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private ended: string | null = null;

  push(chunk: Uint8Array): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.waiter?.();
  }

  /** The source ended: pending and later reads fail with `reason`. */
  end(reason: string): void {
    this.ended = reason;
    this.waiter?.();
  }

  get length(): number {
    return this.buffer.length;
  }

  text(): string {
    return this.buffer.toString('latin1');
  }

  /** The next `n` bytes, once they are all there. */
  async read(n: number, timeoutMs = 20_000): Promise<Buffer> {
    await this.until(() => this.buffer.length >= n, `${n} bytes`, timeoutMs);
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Waits until what has arrived (and not been read) contains `s`. */
  async waitFor(s: string, timeoutMs = 20_000): Promise<void> {
    await this.until(() => this.text().includes(s), JSON.stringify(s), timeoutMs);
  }

  private async until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.ended !== null) throw new Error(`the stream ended (${this.ended}) before ${what} arrived; got ${JSON.stringify(this.text())}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.text().slice(-200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }
}

export const RFB_VERSION = 'RFB 003.008\n';

export interface ServerInit {
  width: number;
  height: number;
  name: string;
}

/** A viewer's handshake over `q` (what the server sent) and `send`; resolves with the server's ServerInit. */
export async function rfbHandshake(q: ByteQueue, send: (bytes: Uint8Array) => void): Promise<ServerInit> {
  const version = (await q.read(12)).toString('latin1');
  if (version !== RFB_VERSION) throw new Error(`not RFB 3.8: ${JSON.stringify(version)}`);
  send(Buffer.from(RFB_VERSION, 'latin1'));
  const count = (await q.read(1))[0]!;
  if (count === 0) throw new Error('the server refused the connection');
  const types = [...(await q.read(count))];
  if (!types.includes(1)) throw new Error(`no security type "None" offered: ${types.join(', ')}`);
  send(Uint8Array.of(1));
  const result = (await q.read(4)).readUInt32BE(0);
  if (result !== 0) throw new Error(`security handshake failed (${result})`);
  send(Uint8Array.of(1)); // ClientInit: shared session, other viewers stay connected
  const head = await q.read(24);
  const name = (await q.read(head.readUInt32BE(20))).toString('utf8');
  return { width: head.readUInt16BE(0), height: head.readUInt16BE(2), name };
}

/** FramebufferUpdateRequest for the whole screen, not incremental: the server answers with a full frame. */
export function fullFrameRequest(init: ServerInit): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0);
  b.writeUInt8(0, 1);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(0, 4);
  b.writeUInt16BE(init.width, 6);
  b.writeUInt16BE(init.height, 8);
  return b;
}
