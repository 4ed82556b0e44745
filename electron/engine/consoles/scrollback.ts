// The last bytes a guest wrote to its serial port, so a viewer opened late still sees the boot messages and the
// prompt. A list of chunks trimmed from the front: appending never copies what is kept, only the oldest chunk is cut.

/** Scrollback kept per guest. */
export const SCROLLBACK_BYTES = 256 * 1024;

export class Scrollback {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(readonly capacity = SCROLLBACK_BYTES) {}

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.capacity) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.capacity))];
      this.bytes = this.capacity;
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.capacity) {
      const first = this.chunks[0]!;
      const over = this.bytes - this.capacity;
      if (first.length <= over) {
        this.chunks.shift();
        this.bytes -= first.length;
      } else {
        // A copy, so the cut chunk's whole buffer (maybe a 64 KiB socket read) is not kept alive by a small tail.
        this.chunks[0] = Buffer.from(first.subarray(over));
        this.bytes -= over;
      }
    }
  }

  /** Everything kept, oldest first, as one buffer. */
  contents(): Buffer {
    return Buffer.concat(this.chunks, this.bytes);
  }

  get length(): number {
    return this.bytes;
  }
}
