// The real-OS test material (testing/real-os.ts, testing/initramfs.ts) proved on bare QEMU under TCG, without the cgvirt
// engine: the busybox initramfs as GNU cpio reads it; Debian's kernel booting it to a shell on the serial socket and an
// HTTP server behind a user-network port forward, once per NIC model; the GRUB rescue CD booting from an IDE CD-ROM
// to GRUB's menu. When a later engine test fails on a real guest, these say whether the guest or the engine is at fault.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeOnHost } from './describe-on-host';
import {
  BUSYBOX_CMDLINE,
  BUSYBOX_HTTP_MARKER,
  BUSYBOX_NO_LEASE,
  BUSYBOX_PROMPT,
  BUSYBOX_READY,
  buildBusyboxInitramfs,
  busyboxInitramfsEntries,
} from './initramfs';
import { requireGrubRescueIso, requireKernel, requireStaticBusybox } from './real-os';
import { freePort } from './host-ports';

// Generous: the busybox guest is ready in about 6 s and GRUB's menu is up in about 2 s on this host's TCG, but two
// integration files share two cores.
const BOOT_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** A loopback TCP port nobody listens on now (the kernel picks it for port 0; QEMU binds it right after). */
/** One QEMU process of this file: its stderr kept for failure messages; stopped by its own pid. */
class Qemu {
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  stderr = '';
  readonly started = Date.now();

  constructor(args: string[]) {
    this.proc = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((done) => {
      this.proc.once('exit', () => done());
      this.proc.once('error', (e) => {
        this.stderr += `spawn: ${e.message}`;
        done();
      });
    });
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null && this.proc.pid !== undefined;
  }

  /** Connects to a UNIX socket QEMU serves (server=on,wait=off), retrying until QEMU has created it. */
  async connectUnix(path: string): Promise<Socket> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (!this.running) throw new Error(`QEMU exited before serving ${path}: ${this.stderr}`);
      const s = await new Promise<Socket | null>((done) => {
        const sock = connect(path);
        sock.once('connect', () => done(sock));
        sock.once('error', () => done(null));
      });
      if (s) return s;
      if (Date.now() > deadline) throw new Error(`QEMU did not serve ${path} within 10 s: ${this.stderr}`);
      await sleep(50);
    }
  }

  /** SIGKILL by pid (these guests hold nothing worth a clean shutdown) and wait for the exit. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.running) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** The guest's serial line: everything it printed since the connection, and a wait for what it prints next. */
class SerialConsole {
  text = '';
  private wake: (() => void) | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly qemu: Qemu,
  ) {
    socket.setEncoding('utf8').on('data', (d: string) => {
      this.text += d;
      this.wake?.();
    });
    void qemu.exited.then(() => this.wake?.());
  }

  write(s: string): void {
    this.socket.write(s);
  }

  /** Resolves with the index just past the first match of `pattern` at or after `from`; rejects on timeout or exit. */
  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = BOOT_TIMEOUT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(from);
      const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), 0: pattern } : null) : pattern.exec(rest);
      if (m) return from + m.index + m[0].length;
      const why = !this.qemu.running ? 'QEMU exited' : Date.now() > deadline ? `not within ${timeoutMs / 1000} s` : null;
      if (why) throw new Error(`serial console: no ${String(pattern)} (${why}); it printed:\n${this.text.slice(-2000)}\nQEMU stderr: ${this.qemu.stderr}`);
      await new Promise<void>((done) => {
        this.wake = done;
        setTimeout(done, 250);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Enough QMP for these tests: the greeting, capabilities negotiation, then one command at a time. */
class TinyQmp {
  private buf = '';
  private pending: ((reply: Record<string, unknown>) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8').on('data', (d: string) => {
      this.buf += d;
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        const msg = JSON.parse(this.buf.slice(0, nl)) as Record<string, unknown>;
        this.buf = this.buf.slice(nl + 1);
        // Events (and the greeting, awaited as the first "reply") are not command replies.
        if ('return' in msg || 'error' in msg || 'QMP' in msg) this.pending.shift()?.(msg);
      }
    });
  }

  static async open(socket: Socket): Promise<TinyQmp> {
    const qmp = new TinyQmp(socket);
    const greeting = await new Promise<Record<string, unknown>>((done) => qmp.pending.push(done));
    if (!('QMP' in greeting)) throw new Error(`not a QMP greeting: ${JSON.stringify(greeting)}`);
    await qmp.execute('qmp_capabilities');
    return qmp;
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const reply = await new Promise<Record<string, unknown>>((done) => {
      this.pending.push(done);
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
    });
    if ('error' in reply) throw new Error(`QMP ${command}: ${JSON.stringify(reply.error)}`);
    return reply.return;
  }

  close(): void {
    this.socket.destroy();
  }
}

describeOnHost(['cpio', 'linuxKernel', 'busybox'], 'the busybox initramfs, as GNU cpio reads it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cgvirt-initramfs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every entry and extracts busybox, /init and the modules byte for byte', () => {
    const image = buildBusyboxInitramfs(dir);
    const archive = gunzipSync(readFileSync(image));
    const entries = busyboxInitramfsEntries(requireKernel(), requireStaticBusybox());
    const listed = execFileSync('cpio', ['-i', '-t', '--quiet'], { input: archive, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(listed).toEqual(entries.map((e) => e.path));
    const root = join(dir, 'root');
    mkdirSync(root);
    // Everything but the console device node (extracting it is mknod, beside the point here).
    execFileSync('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames', '-D', root, '-f', 'dev/console'], { input: archive });
    for (const e of entries) {
      if (e.type === 'file') expect(readFileSync(join(root, e.path)).equals(Buffer.from(e.data)), e.path).toBe(true);
      if (e.type === 'symlink') expect(readlinkSync(join(root, e.path))).toBe(e.target);
    }
    expect(existsSync(join(root, 'dev/console'))).toBe(false);
    expect(entries.filter((e) => e.path.startsWith('lib/modules/')).map((e) => e.path)).toEqual(
      expect.arrayContaining(['lib/modules/virtio_net.ko', 'lib/modules/e1000.ko']),
    );
  });
});

describeOnHost(['qemu', 'linuxKernel', 'busybox'], 'the busybox guest on bare QEMU (TCG)', () => {
  let imageDir: string;
  let initramfs: string;
  let dir: string | undefined;
  let qemu: Qemu | undefined;
  let serial: SerialConsole | undefined;

  beforeAll(() => {
    imageDir = mkdtempSync(join(tmpdir(), 'cgvirt-busybox-'));
    initramfs = buildBusyboxInitramfs(imageDir);
  });
  afterAll(() => rmSync(imageDir, { recursive: true, force: true }));
  afterEach(async () => {
    serial?.close();
    await qemu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    [serial, qemu, dir] = [undefined, undefined, undefined];
  });

  for (const nic of ['virtio-net-pci', 'e1000']) {
    it(`boots to a shell on ttyS0 and serves HTTP through ${nic}`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'cgvirt-busybox-run-'));
      const port = await freePort();
      const sock = join(dir, 'serial.sock');
      qemu = new Qemu([
        ...['-accel', 'tcg', '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none'],
        // A kernel panic (panic=-1 reboots at once) ends QEMU instead of booting again, so it fails the wait at once.
        '-no-reboot',
        ...['-kernel', requireKernel().vmlinuz, '-initrd', initramfs, '-append', BUSYBOX_CMDLINE],
        ...['-chardev', `socket,id=s0,path=${sock},server=on,wait=off`, '-serial', 'chardev:s0'],
        ...['-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:80`, '-device', `${nic},netdev=n0,romfile=`],
      ]);
      serial = new SerialConsole(await qemu.connectUnix(sock), qemu);

      const readyAt = await serial.waitFor(new RegExp(`${BUSYBOX_READY}|${BUSYBOX_NO_LEASE}`));
      expect(serial.text.slice(0, readyAt)).toContain(BUSYBOX_READY);
      const ready = seconds(qemu.started);
      const promptAt = await serial.waitFor(BUSYBOX_PROMPT, readyAt);
      const prompt = seconds(qemu.started);

      serial.write('echo $((6*7))\n');
      // The echoed command line holds "6*7", not 42: a line that is only 42 is the shell's answer.
      await serial.waitFor(/^42\r?$/m, promptAt, 20_000);

      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(20_000) });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(BUSYBOX_HTTP_MARKER);
      console.info(`busybox guest with ${nic}: ready line after ${ready} s, prompt after ${prompt} s, HTTP answered after ${seconds(qemu.started)} s`);
    });
  }
});

/** A binary PPM (P6, what QMP's screendump writes): its size and the RGB bytes. */
function readPpm(file: string): { width: number; height: number; pixels: Buffer } {
  const b = readFileSync(file);
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(b.subarray(0, 64).toString('latin1'));
  if (!m || m[3] !== '255') throw new Error(`${file} is not an 8-bit P6 PPM`);
  const [width, height] = [Number(m[1]), Number(m[2])];
  const pixels = b.subarray(m[0].length, m[0].length + width * height * 3);
  if (pixels.length !== width * height * 3) throw new Error(`${file}: ${pixels.length} pixel bytes for ${width}x${height}`);
  return { width, height, pixels };
}

/** The VGA text screen (80×25 at 0xb8000, character and attribute bytes), as QEMU's monitor reads guest memory. */
async function textScreen(qmp: TinyQmp): Promise<string> {
  const dump = (await qmp.execute('human-monitor-command', { 'command-line': 'xp /4000bx 0xb8000' })) as string;
  const bytes = [...dump.matchAll(/0x([0-9a-f]{2})\b/g)].map((m) => parseInt(m[1]!, 16));
  let text = '';
  for (let i = 0; i < bytes.length; i += 2) {
    const c = bytes[i]!;
    text += ((i / 2) % 80 === 0 ? '\n' : '') + (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ' ');
  }
  return text;
}

describeOnHost(['qemu', 'grubIso'], 'the GRUB rescue CD on bare QEMU (TCG)', () => {
  let dir: string;
  let qemu: Qemu | undefined;
  let qmp: TinyQmp | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cgvirt-grub-'));
  });
  afterEach(async () => {
    qmp?.close();
    await qemu?.stop();
    rmSync(dir, { recursive: true, force: true });
    [qmp, qemu] = [undefined, undefined];
  });

  it('boots from an IDE CD-ROM to the GRUB menu on the VGA screen', async () => {
    const iso = requireGrubRescueIso();
    qemu = new Qemu([
      ...['-accel', 'tcg', '-nodefaults', '-no-user-config', '-display', 'none'],
      ...['-blockdev', JSON.stringify({ driver: 'file', 'node-name': 'cdf', filename: iso, 'read-only': true })],
      ...['-blockdev', JSON.stringify({ driver: 'raw', 'node-name': 'cd0', file: 'cdf', 'read-only': true })],
      ...['-device', JSON.stringify({ driver: 'ide-cd', drive: 'cd0', bus: 'ide.0', unit: 0, bootindex: 1 })],
      ...['-device', 'VGA', '-vnc', `unix:${join(dir, 'vnc.sock')}`],
      ...['-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`],
    ]);
    qmp = await TinyQmp.open(await qemu.connectUnix(join(dir, 'qmp.sock')));

    // SeaBIOS draws text too ("Booting from DVD/CD..."), so a busy screen alone proves nothing: wait for GRUB's menu,
    // all of it (header, a highlighted entry, the help below; GRUB draws them one after another) before the screenshot.
    const menuDrawn = (s: string) => /GNU GRUB +version/.test(s) && /^ *\*\S/m.test(s) && /Press enter to boot/.test(s);
    let screen = '';
    while (!menuDrawn(screen)) {
      if (Date.now() - qemu.started > BOOT_TIMEOUT_MS || !qemu.running)
        throw new Error(`no GRUB menu on the screen; it shows:${screen}\nQEMU stderr: ${qemu.stderr}`);
      await sleep(250);
      screen = await textScreen(qmp);
    }
    const menuAfter = seconds(qemu.started);

    const ppm = join(dir, 'screen.ppm');
    await qmp.execute('screendump', { filename: ppm });
    const { width, height, pixels } = readPpm(ppm);
    expect(width * height).toBeGreaterThan(0);
    const first = pixels.subarray(0, 3);
    let differing = 0;
    for (let i = 3; i < pixels.length; i += 3) if (pixels[i] !== first[0] || pixels[i + 1] !== first[1] || pixels[i + 2] !== first[2]) differing++;
    // GRUB's menu (a frame, a highlighted bar, a dozen lines of text on black) is over 20 000 pixels on 720x400;
    // SeaBIOS's few lines of text would be some 2 000.
    expect(differing).toBeGreaterThan(10_000);
    console.info(`GRUB rescue CD: menu on screen after ${menuAfter} s (${width}x${height}, ${differing} pixels not the corner's colour)`);
  });
});
