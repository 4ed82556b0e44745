// Console latency: a key typed into the graphical console until the screen update that shows it arrives, through
// cgvirt's console path (a `console:ticket` over /ws, the console WebSocket of the real web server, the engine's VNC
// stream) against the same viewer on a raw connection to the guest's own VNC socket (the floor), in the same run,
// interleaved, on the same guest: the `keys` boot-sector guest (testing/guests.ts), whose screen changes on a key
// press and at no other time.
//
// The viewer is a minimal RFB client as noVNC is one: version 3.8, security None, a shared session, 32-bit true colour,
// Raw encoding only, and a new incremental FramebufferUpdateRequest after every update, so it always has the screen.
// Each round types 'a' (KeyEvent down and up) with a request, on one viewer, and waits for the update that changes
// its pixels. QEMU only looks at the screen on its display refresh timer (every 30 ms while the screen keeps changing,
// GUI_REFRESH_INTERVAL_DEFAULT), so a key waits for the next refresh: the rounds are typed at a random point of the
// refresh period (measured from the update's arrival on the raw socket, which sees each refresh first), the same
// points for both viewers, and the two viewers hold the same screen before each round.
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { startWebServer } from '../electron/ipc/web-server';
import { probeKvm } from '../electron/engine/host/kvm';
import { startEngineHarness } from '../testing/engine';
import { ByteQueue, rfbHandshake } from '../testing/rfb';
import { connectConsoleClient, connectWsClient } from '../testing/ws-client';
import { figure, summarize, type Figure } from './measure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** X11 keysym of 'a'. */
const KEY_A = 0x61;
/** How far into QEMU's 30 ms refresh period a round types its key, at most (uniformly from 0). */
const PHASE_MS = 20;
const UPDATE_TIMEOUT_MS = 10_000;

/** A byte stream to a VNC server: the console WebSocket or the raw unix socket. */
interface Link {
  bytes: ByteQueue;
  send(b: Uint8Array): void;
  close(): void;
}

function unixLink(path: string): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const bytes = new ByteQueue();
    socket.on('data', (c: Buffer) => bytes.push(c));
    socket.on('close', () => bytes.end('the VNC socket closed'));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // 'close' follows
      resolve({ bytes, send: (b) => socket.write(b), close: () => socket.destroy() });
    });
  });
}

const keyEvent = (down: boolean, keysym: number) => {
  const b = Buffer.alloc(8);
  b.writeUInt8(4, 0); // KeyEvent
  b.writeUInt8(down ? 1 : 0, 1);
  b.writeUInt32BE(keysym, 4);
  return b;
};

const updateRequest = (incremental: boolean, width: number, height: number) => {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0); // FramebufferUpdateRequest
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
};

/** SetPixelFormat: 32 bits per pixel, depth 24, little-endian true colour, 8 bits each of red, green, blue. */
const PIXEL_FORMAT = Buffer.from([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
/** SetEncodings: Raw (0) only. */
const ENCODINGS = Buffer.from([2, 0, 0, 1, 0, 0, 0, 0]);

/** Whoever waits for a viewer's next update: every update (of any viewer) wakes them all to check again. */
const waiters: (() => void)[] = [];

/** One RFB viewer: the screen as the server last sent it, and when each update arrived. */
class Viewer {
  fb = Buffer.alloc(0);
  width = 0;
  height = 0;
  /** Updates that changed at least one pixel, and the arrival time (performance.now) of the last one. */
  changes = 0;
  changedAt = 0;
  /** Arrival time of the last update of any kind. */
  updatedAt = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(
    readonly label: string,
    private readonly link: Link,
  ) {}

  async start(): Promise<void> {
    const init = await rfbHandshake(this.link.bytes, (b) => this.link.send(b));
    [this.width, this.height] = [init.width, init.height];
    this.fb = Buffer.alloc(init.width * init.height * 4);
    this.link.send(PIXEL_FORMAT);
    this.link.send(ENCODINGS);
    this.link.send(updateRequest(false, this.width, this.height));
    void this.read().catch((e: Error) => {
      if (!this.closing) this.failure = e;
      this.wake();
    });
    await this.until(() => this.updatedAt > 0, 'the first frame');
  }

  /** Types 'a' (down, up) and asks for an incremental update, as one round. */
  typeKey(): void {
    this.link.send(Buffer.concat([keyEvent(true, KEY_A), keyEvent(false, KEY_A), updateRequest(true, this.width, this.height)]));
  }

  /**
   * Waits until `ready()` holds, re-checking after every update of any viewer (a condition may be about both); fails
   * when this viewer's stream ends, or after `timeoutMs`.
   */
  async until(ready: () => boolean, what: string, timeoutMs = UPDATE_TIMEOUT_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!ready()) {
      if (this.failure) throw new Error(`${this.label}: ${this.failure.message} (waiting for ${what})`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${this.label}: no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.closing = true;
    this.link.close();
  }

  private wake(): void {
    for (const w of waiters.splice(0)) w();
  }

  private async read(): Promise<void> {
    const q = this.link.bytes;
    const idle = 3_600_000; // a viewer may wait for the next update as long as the bench runs
    for (;;) {
      const type = (await q.read(1, idle))[0]!;
      if (type === 0) {
        const rects = (await q.read(3)).readUInt16BE(1);
        let changed = false;
        for (let i = 0; i < rects; i++) {
          const h = await q.read(12);
          const [x, y, w, hh, encoding] = [h.readUInt16BE(0), h.readUInt16BE(2), h.readUInt16BE(4), h.readUInt16BE(6), h.readInt32BE(8)];
          if (encoding !== 0) throw new Error(`encoding ${encoding} in an update; only Raw was asked for`);
          const pixels = await q.read(w * hh * 4);
          for (let row = 0; row < hh; row++) {
            const src = pixels.subarray(row * w * 4, (row + 1) * w * 4);
            const at = ((y + row) * this.width + x) * 4;
            if (!changed && !src.equals(this.fb.subarray(at, at + src.length))) changed = true;
            src.copy(this.fb, at);
          }
        }
        const now = performance.now();
        this.updatedAt = now;
        if (changed) {
          this.changes++;
          this.changedAt = now;
        }
        // As noVNC does: the next request right away, so the server sends whatever changes next.
        this.link.send(updateRequest(true, this.width, this.height));
        this.wake();
      } else if (type === 1) {
        const n = (await q.read(5)).readUInt16BE(3); // SetColourMapEntries: padding, first colour, count
        await q.read(n * 6);
      } else if (type === 2) {
        // Bell
      } else if (type === 3) {
        const len = (await q.read(7)).readUInt32BE(3); // ServerCutText: padding, length
        await q.read(len);
      } else {
        throw new Error(`unknown server message type ${type}`);
      }
    }
  }
}

/**
 * The keys guest's screen once its program runs: one background colour everywhere but the top-left 9×16 cell, which
 * shows 'A' (some 40 pixels in one colour state, 100 in the other). More than a cursor: right after the VGA BIOS clears
 * the screen, its cursor underline (18 pixels) blinks in that same cell, with nothing else on the screen.
 */
function showsKeysGuest(v: Viewer): boolean {
  if (v.fb.length === 0) return false;
  const bg = v.fb.readUInt32LE(v.fb.length - 4);
  let inCell = 0;
  for (let y = 0; y < v.height; y++) {
    for (let x = 0; x < v.width; x++) {
      if (v.fb.readUInt32LE((y * v.width + x) * 4) === bg) continue;
      if (x >= 9 || y >= 16) return false;
      inCell++;
    }
  }
  return inCell >= 30;
}

/** Until a fresh viewer sees the keys guest's screen (BIOS text gone, the display at its text-mode size). */
async function waitForKeysScreen(vncSocket: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Viewer('probe', await unixLink(vncSocket));
    try {
      await probe.start();
      await probe.until(() => showsKeysGuest(probe), "the keys guest's screen", 1000).catch(() => undefined);
      if (showsKeysGuest(probe)) return;
    } finally {
      probe.close();
    }
    if (Date.now() > deadline) throw new Error(`the keys guest's screen did not appear within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export async function benchConsole(opts: { quick: boolean }): Promise<Figure[]> {
  const rounds = opts.quick ? 60 : 400; // half on each viewer
  const warmup = 20;
  const accel = (await probeKvm()).accel;
  const t = await startEngineHarness();
  const viewers: Viewer[] = [];
  let server: Awaited<ReturnType<typeof startWebServer>> | undefined;
  let page: Awaited<ReturnType<typeof connectWsClient>> | undefined;
  try {
    const info = await t.engine.vmDefine(t.guest('bench-console', 'keys', { vnc: true, accel }));
    await t.engine.vmStart({ name: 'bench-console' });
    const vncSocket = join(t.dirs.runtimeDir, `${info.definition.uuid}.vnc`);
    await waitForKeysScreen(vncSocket);

    server = await startWebServer({ engine: t.engine, staticDir: 'dist/renderer', log: () => {} });
    page = await connectWsClient(server.url);
    const { ticket } = await page.invoke('console:ticket', { name: 'bench-console', kind: 'vnc' });
    const ws = await connectConsoleClient(server.url, ticket);
    const cgvirt = new Viewer('console WebSocket', { bytes: ws.bytes, send: (b) => ws.socket.send(b), close: () => ws.socket.terminate() });
    viewers.push(cgvirt);
    const raw = new Viewer('raw VNC socket', await unixLink(vncSocket));
    viewers.push(raw);
    await Promise.all([cgvirt.start(), raw.start()]);
    const same = () => cgvirt.fb.equals(raw.fb);
    await cgvirt.until(() => same() && showsKeysGuest(cgvirt), "the keys guest's screen on both viewers");

    const through: number[] = [];
    const floor: number[] = [];
    /** Per round: when the WebSocket viewer got the update minus when the raw viewer got the same one. */
    const arrivalGap: number[] = [];
    // Both viewers type at the same points of the refresh period: one phase per pair of rounds, spread evenly over
    // [0, PHASE_MS) in a random order, the pair's order alternating (so neither path gets the luckier phases).
    const pairs = rounds / 2;
    const phases = Array.from({ length: pairs }, (_, j) => ((j + 0.5) / pairs) * PHASE_MS);
    for (let j = pairs - 1; j > 0; j--) {
      const k = Math.floor(Math.random() * (j + 1));
      [phases[j], phases[k]] = [phases[k]!, phases[j]!];
    }
    const round = async (v: Viewer, phase: number) => {
      await sleep(Math.max(0, raw.updatedAt + phase - performance.now()));
      const before = v.changes;
      const t0 = performance.now();
      v.typeKey();
      await v.until(() => v.changes > before, 'update after the key');
      // The other viewer gets the same update: both hold the same screen before the next round.
      await (v === cgvirt ? raw : cgvirt).until(same, 'the same screen on both viewers');
      return v.changedAt - t0;
    };
    // The refresh timer slows down to 3 s on a screen that does not change; keys bring it back to 30 ms.
    for (let i = 0; i < warmup; i++) await round(i % 2 ? cgvirt : raw, Math.random() * PHASE_MS);
    /** Per pair (the same phase): the WebSocket round minus the raw round. */
    const paired: number[] = [];
    for (const [j, phase] of phases.entries()) {
      for (const v of j % 2 ? [cgvirt, raw] : [raw, cgvirt]) {
        (v === cgvirt ? through : floor).push(await round(v, phase));
        arrivalGap.push(cgvirt.changedAt - raw.changedAt);
      }
      paired.push(through.at(-1)! - floor.at(-1)!);
    }
    const summary = summarize(through, 'ms');
    const floorSummary = summarize(floor, 'ms');
    const accelWord = accel === 'kvm' ? 'KVM' : 'TCG';
    return [
      figure({
        id: 'console.vnc.key_to_update',
        title: `console: key → screen update over the console WebSocket (boot-sector guest, ${accelWord})`,
        summary,
        floor: { label: 'same viewer on the raw VNC socket', summary: floorSummary },
        details: {
          'cgvirt − floor, median of the pairs typed at the same phase (ms)': summarize(paired, 'ms').median,
          'same update: WebSocket arrival after raw socket arrival, median (ms)': summarize(arrivalGap, 'ms').median,
          'same update: arrival gap p95 (ms)': summarize(arrivalGap, 'ms').p95,
        },
        note:
          "QEMU's VNC server looks at the screen only on its refresh timer (30 ms while the screen changes, " +
          'GUI_REFRESH_INTERVAL_DEFAULT; keys are typed at a random point of it), which dominates both figures: ' +
          "the ratio and the arrival gap show cgvirt's cost",
      }),
    ];
  } finally {
    for (const v of viewers) v.close();
    await page?.close();
    await server?.close();
    await t.teardown();
  }
}
