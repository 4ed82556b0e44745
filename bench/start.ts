// Start latency: define → running (in its group, ACL applied, `cont` done) through the real engine, by stage, against
// a bare `qemu-system-x86_64 -S` started to QMP ready in the same run (the floor); destroy → group gone likewise.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { QmpClient } from '../electron/engine/qemu/qmp';
import { requireQemu } from '../electron/engine/host/qemu';
import { startEngineHarness } from '../testing/engine';
import { writeBootImage } from '../testing/guests';
import { figure, summarize, type Figure } from './measure';

const VIRSH_START_MS = 936;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bare QEMU: spawn → QMP greeting and capabilities negotiated; then SIGTERM → exit. No cgroup, no engine. */
async function bareQemu(binary: string, dir: string, image: string, i: number): Promise<{ readyMs: number; stopMs: number }> {
  const sock = join(dir, `bare-${i}.qmp`);
  const t0 = performance.now();
  const child = spawn(
    binary,
    [
      '-machine',
      'pc',
      '-accel',
      'tcg',
      '-m',
      '32',
      '-nodefaults',
      '-display',
      'none',
      '-S',
      '-qmp',
      `unix:${sock},server=on,wait=off`,
      '-drive',
      `file=${image},format=raw,if=virtio`,
    ],
    { stdio: 'ignore' },
  );
  let qmp: QmpClient | null = null;
  while (!qmp) {
    try {
      qmp = await QmpClient.connect(sock, { timeoutMs: 5000 });
    } catch {
      await sleep(2);
    }
  }
  const readyMs = performance.now() - t0;
  qmp.destroy();
  const t1 = performance.now();
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
  const stopMs = performance.now() - t1;
  rmSync(sock, { force: true });
  return { readyMs, stopMs };
}

export async function benchStart(opts: { quick: boolean }): Promise<Figure[]> {
  const runs = opts.quick ? 5 : 15;
  const t = await startEngineHarness();
  try {
    const qemu = await requireQemu();
    const bareImage = writeBootImage(t.dirs.root, 'halt', 'bare.img');
    const floor = { ready: [] as number[], stop: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const b = await bareQemu(qemu.path, t.dirs.root, bareImage, i);
      floor.ready.push(b.readyMs);
      floor.stop.push(b.stopMs);
    }

    await t.engine.vmDefine(t.guest('bench-start'));
    const total: number[] = [];
    const destroy: number[] = [];
    const stages: Record<string, number[]> = {};
    const group = join('/sys/fs/cgroup/cpu', t.dirs.partition, 'qemu', 'bench-start');
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await t.engine.vmStart({ name: 'bench-start' });
      total.push(performance.now() - t0);
      for (const [k, v] of Object.entries(t.startTimings('bench-start')!.stages)) (stages[k] ??= []).push(v);
      const t1 = performance.now();
      await t.engine.vmDestroy({ name: 'bench-start' });
      if (existsSync(group)) throw new Error('destroy returned before the group was gone');
      destroy.push(performance.now() - t1);
    }
    const med = (xs: number[]) => summarize(xs, 'ms').median;
    // The stages: spawn, QMP ready, configure (group created and configured, placement verified), cont.
    const configure = ['create cgroup', 'configure cgroup', 'verify placement', 'record status'].reduce((s, k) => s + med(stages[k] ?? [0]), 0);
    return [
      figure({
        id: 'start.define_to_running',
        title: 'start: define → running (grouped, ACL, cont)',
        summary: summarize(total, 'ms'),
        floor: { label: 'bare qemu -S to QMP ready', summary: summarize(floor.ready, 'ms') },
        details: {
          'stage spawn (ms)': med(stages.spawn ?? []),
          'stage QMP ready (ms)': med(stages['QMP ready'] ?? []),
          'stage configure (ms)': configure,
          'stage cont (ms)': med(stages.cont ?? []),
          'stage find QEMU (ms)': med(stages['find QEMU'] ?? []),
          'anchor: virsh start (ms)': VIRSH_START_MS,
          'vs virsh start': `${(VIRSH_START_MS / med(total)).toFixed(1)}× faster`,
        },
      }),
      figure({
        id: 'start.destroy_to_group_gone',
        title: 'destroy → group gone',
        summary: summarize(destroy, 'ms'),
        floor: { label: 'bare qemu SIGTERM to exit', summary: summarize(floor.stop, 'ms') },
      }),
    ];
  } finally {
    await t.teardown();
  }
}
