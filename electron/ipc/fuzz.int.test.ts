// The fuzz harness over a real WebSocket against the real engine (real cgroups, real QEMU): 10,000 random and hostile
// requests; every reply a typed error or a valid answer, the engine still serving, and nothing changed outside the
// engine's state dirs and its cgroup partition.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../testing/engine';
import { cgroupMounts, partitionLeftovers } from '../../testing/partition';
import { fuzz } from '../../testing/fuzz';
import { createRouter } from './router';
import { startWebServer, type WebServer } from './web-server';
import { connectWsClient, type WsClient } from '../../testing/ws-client';

/**
 * What must not change: the top of every cgroup hierarchy (other test partitions come and go while other files run,
 * so those are left out), and the entries of directories a hostile name or path would reach.
 */
function hostSnapshot(): string[] {
  const out: string[] = [];
  for (const mount of cgroupMounts()) {
    for (const name of readdirSync(mount)) if (!name.startsWith('cgvirt-test-')) out.push(`${mount}/${name}`);
  }
  for (const dir of ['/etc', '/dev', '/', process.cwd()]) {
    for (const name of readdirSync(dir)) {
      try {
        const s = statSync(join(dir, name));
        // /etc is watched to the byte. Elsewhere times move for reasons of their own (ttys in /dev; other tests in /tmp;
        // other engineers in the checkout): a new, missing or retyped entry is what a hostile name or path would cause.
        out.push(dir === '/etc' ? `${dir}/${name} ${s.mode} ${s.size} ${s.mtimeMs}` : `${dir}/${name} ${s.mode}`);
      } catch {
        out.push(`${dir}/${name} (vanished)`);
      }
    }
  }
  return out.sort();
}

describeOnHost(['root', 'cgroupV1', 'qemu', 'qemuImg'], 'fuzzing the real engine over a WebSocket', () => {
  let t: EngineHarness;
  let server: WebServer;
  let client: WsClient;
  const internal: unknown[] = [];

  beforeAll(async () => {
    t = await startEngineHarness();
    const router = createRouter(t.engine, { logInternal: (_c, e) => internal.push(e) });
    server = await startWebServer({ engine: t.engine, router, staticDir: join(t.dirs.root, 'no-ui'), log: () => {} });
    client = await connectWsClient(server.url);
    await client.invoke('vm:define', { name: 'fuzz-guest', memoryMiB: 32, vcpus: 1, disks: [{ path: t.image('halt') }] });
    await client.invoke('vm:start', { name: 'fuzz-guest' });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await t?.teardown();
    if (t) expect(partitionLeftovers(t.dirs.partition)).toEqual([]);
  });

  it('answers 10,000 hostile requests with typed errors or valid answers, keeps serving, and touches nothing else', async () => {
    const before = hostSnapshot();
    const report = await fuzz((c, p) => client.request(c, p), {
      count: 10_000,
      seed: 2009,
      names: ['fuzz-guest', 'fuzz-other'],
      // Where nothing lives: a define+start of these fails cleanly at QEMU's open.
      diskPaths: [join(t.dirs.root, 'missing', 'disk.img')],
      onCase: async (i) => {
        if (i % 1000 === 999) expect((await client.request('host:info', {})).ok).toBe(true);
      },
    });
    expect(report.problems).toEqual([]);
    expect(internal).toEqual([]);
    expect(report.sent).toBe(10_000);
    expect(report.ok).toBeGreaterThan(100);
    expect((await client.request('host:info', {})).ok).toBe(true);
    expect(hostSnapshot()).toEqual(before);
    // Whatever the fuzz defined and started lives only inside the test partition.
    for (const vm of await client.invoke('vm:list', {})) {
      for (const group of Object.values(vm.cgroups ?? {})) expect(group.startsWith(`${t.dirs.partition}/qemu/`)).toBe(true);
    }
  }, 1_200_000);
});
