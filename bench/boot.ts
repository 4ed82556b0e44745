// Boot to a shell: the busybox guest (testing/initramfs.ts: Debian's kernel, an initramfs of static busybox that brings
// up its NIC with DHCP, then a shell on ttyS0) from `vm:start` until its prompt shows on the serial console the
// engine's `openConsole` gives, against bare qemu-system-x86_64 with the same kernel, initramfs, command line,
// memory and NIC, from spawn until the prompt on its serial socket (the floor), in the same run, alternating. Both
// under TCG: this host's KVM hangs a Linux kernel.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { requireQemu } from '../electron/engine/host/qemu';
import { startEngineHarness } from '../testing/engine';
import { BUSYBOX_CMDLINE, BUSYBOX_NO_LEASE, BUSYBOX_PROMPT, BUSYBOX_READY, buildBusyboxInitramfs } from '../testing/initramfs';
import { requireKernel } from '../testing/real-os';
import { figure, summarize, type Figure } from './measure';

const MEMORY_MIB = 256;
const BOOT_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The times (ms since `t0`) at which the console showed the ready line and the prompt after it. */
interface Boot {
  readyMs: number;
  promptMs: number;
}

/** Feeds console text in; resolves once the prompt follows the ready line; rejects on no lease, an end or the timeout. */
function bootWatcher(t0: number, what: string) {
  let text = '';
  let readyMs: number | null = null;
  let settle: { resolve: (b: Boot) => void; reject: (e: Error) => void };
  const done = new Promise<Boot>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined); // the caller may give up (QEMU failed to start) before it awaits this
  const timer = setTimeout(
    () => settle.reject(new Error(`${what}: no prompt within ${BOOT_TIMEOUT_MS / 1000} s; it printed:\n${text.slice(-2000)}`)),
    BOOT_TIMEOUT_MS,
  );
  const feed = (chunk: string) => {
    const now = performance.now();
    text += chunk;
    if (text.includes(BUSYBOX_NO_LEASE)) settle.reject(new Error(`${what}: the guest got no DHCP lease`));
    const ready = text.indexOf(BUSYBOX_READY);
    if (ready < 0) return;
    readyMs ??= now - t0;
    if (text.indexOf(BUSYBOX_PROMPT, ready) >= 0) {
      clearTimeout(timer);
      settle.resolve({ readyMs, promptMs: now - t0 });
    }
  };
  const fail = (why: string) => {
    clearTimeout(timer);
    settle.reject(new Error(`${what}: ${why} before the prompt; it printed:\n${text.slice(-2000)}`));
  };
  return { feed, fail, done, stop: () => clearTimeout(timer) };
}

/** Bare QEMU processes this part started and has not seen exit: killed (by pid) if the bench exits meanwhile. */
const bare = new Set<ChildProcess>();
const killBare = () => {
  for (const c of bare) c.kill('SIGKILL');
};

/** Connects to a unix socket QEMU serves (server=on,wait=off), retrying until QEMU has created it. */
async function connectUnix(path: string, child: ChildProcess, stderr: () => string): Promise<Socket> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`QEMU exited before serving ${path}: ${stderr()}`);
    const s = await new Promise<Socket | null>((done) => {
      const sock = connect(path);
      sock.once('connect', () => done(sock));
      sock.once('error', () => done(null));
    });
    if (s) return s;
    await sleep(2);
  }
}

/** The floor: bare QEMU with the busybox guest's kernel, initramfs, command line, memory, NIC and serial socket. */
async function bareBoot(binary: string, dir: string, kernel: string, initrd: string, i: number): Promise<Boot> {
  const sock = join(dir, `bare-${i}.serial`);
  const t0 = performance.now();
  const child = spawn(
    binary,
    [
      ...['-machine', 'pc', '-accel', 'tcg', '-m', String(MEMORY_MIB), '-smp', '1'],
      ...['-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot'],
      ...['-kernel', kernel, '-initrd', initrd, '-append', BUSYBOX_CMDLINE],
      ...['-chardev', `socket,id=s0,path=${sock},server=on,wait=off`, '-serial', 'chardev:s0'],
      ...['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0,romfile='],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  bare.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let serial: Socket | undefined;
  const watch = bootWatcher(t0, 'bare QEMU');
  try {
    serial = await connectUnix(sock, child, () => stderr);
    serial.setEncoding('utf8').on('data', watch.feed);
    void exited.then(() => watch.fail(`QEMU exited (${stderr.trim()})`));
    return await watch.done;
  } finally {
    watch.stop();
    serial?.destroy();
    child.kill('SIGKILL');
    await exited;
    bare.delete(child);
    rmSync(sock, { force: true });
  }
}

export async function benchBoot(opts: { quick: boolean }): Promise<Figure[]> {
  const runs = opts.quick ? 2 : 3;
  const kernel = requireKernel();
  const qemu = await requireQemu();
  const t = await startEngineHarness();
  process.once('exit', killBare);
  try {
    const initrd = buildBusyboxInitramfs(join(t.dirs.root, 'busybox'), kernel);
    const name = 'bench-boot';
    await t.engine.vmDefine(
      t.guest(name, 'halt', {
        disks: [],
        memoryMiB: MEMORY_MIB,
        accel: 'tcg',
        boot: { kernel: { kernel: kernel.vmlinuz, initrd, cmdline: BUSYBOX_CMDLINE } },
        nics: [{ model: 'virtio-net-pci' }],
      }),
    );

    const engineBoot = async (): Promise<Boot & { startMs: number }> => {
      const t0 = performance.now();
      await t.engine.vmStart({ name });
      const startMs = performance.now() - t0;
      // The serial hub keeps the scrollback: opening the console now still shows everything since the first instruction.
      const { ticket } = await t.engine.consoleTicket({ name, kind: 'serial' });
      const stream = await t.engine.openConsole(ticket);
      const watch = bootWatcher(t0, "the engine's guest");
      try {
        stream.onData((c) => watch.feed(c.toString('latin1')));
        stream.onClose((reason) => watch.fail(`the console closed (${reason})`));
        return { ...(await watch.done), startMs };
      } finally {
        watch.stop();
        stream.close();
        await t.engine.vmDestroy({ name });
      }
    };

    const engine: (Boot & { startMs: number })[] = [];
    const floor: Boot[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternating which goes first, so neither always follows the other's exit.
      if (i % 2 === 0) {
        floor.push(await bareBoot(qemu.path, t.dirs.root, kernel.vmlinuz, initrd, i));
        engine.push(await engineBoot());
      } else {
        engine.push(await engineBoot());
        floor.push(await bareBoot(qemu.path, t.dirs.root, kernel.vmlinuz, initrd, i));
      }
    }
    const med = (xs: number[]) => summarize(xs, 'ms').median;
    return [
      figure({
        id: 'boot.busybox.start_to_prompt',
        title: 'boot: busybox guest, vm:start → shell prompt on the serial console (TCG)',
        summary: summarize(
          engine.map((b) => b.promptMs / 1000),
          's',
        ),
        floor: {
          label: 'bare qemu spawn → prompt',
          summary: summarize(
            floor.map((b) => b.promptMs / 1000),
            's',
          ),
        },
        details: {
          'engine: vm:start returned (ms)': med(engine.map((b) => b.startMs)),
          'engine: DHCP lease, ready line (s)': med(engine.map((b) => b.readyMs)) / 1000,
          'bare: DHCP lease, ready line (s)': med(floor.map((b) => b.readyMs)) / 1000,
          'engine − bare, median (ms)': med(engine.map((b) => b.promptMs)) - med(floor.map((b) => b.promptMs)),
        },
        note: `Debian's kernel ${kernel.version}, ${MEMORY_MIB} MiB, 1 vCPU, virtio-net with user networking, cmdline "${BUSYBOX_CMDLINE}"`,
      }),
    ];
  } finally {
    killBare();
    process.off('exit', killBare);
    await t.teardown();
  }
}
