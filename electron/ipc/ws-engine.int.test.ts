// Issue 4's acceptance path over a real WebSocket against the real engine (real cgroup v1 files, real QEMU under TCG):
// define → start → sched:set cpu_shares 2048 → cpu.shares on disk → sched:get → devices:set without /dev/urandom →
// devices.list lacks c 1:9 → destroy → vm:state events in order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventOf } from '../../shared';
import { describeOnHost } from '../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../testing/engine';
import { partitionLeftovers } from '../../testing/partition';
import { startWebServer, type WebServer } from './web-server';
import { connectWsClient, type WsClient } from '../../testing/ws-client';

describeOnHost(['root', 'cgroupV1', 'qemu'], 'the router over a WebSocket, real engine', () => {
  let t: EngineHarness;
  let server: WebServer;
  let client: WsClient;
  const states: EventOf<'vm:state'>[] = [];

  beforeAll(async () => {
    t = await startEngineHarness();
    server = await startWebServer({ engine: t.engine, staticDir: join(t.dirs.root, 'no-ui'), log: () => {} });
    client = await connectWsClient(server.url);
    client.on('vm:state', (s) => states.push(s));
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await t?.teardown();
    if (t) expect(partitionLeftovers(t.dirs.partition)).toEqual([]);
  });

  it('define → start → sched:set → cgroup files → devices:set → destroy, with vm:state events in order', async () => {
    const image = t.image('halt');
    await client.invoke('vm:define', { name: 'ws-guest', memoryMiB: 32, vcpus: 1, disks: [{ path: image }] });
    const started = await client.invoke('vm:start', { name: 'ws-guest' });
    expect(started.state).toBe('running');
    const cpuGroup = started.cgroups?.cpu;
    const devicesGroup = started.cgroups?.devices;
    expect(cpuGroup).toBe(`${t.dirs.partition}/qemu/ws-guest`);
    expect(devicesGroup).toBe(`${t.dirs.partition}/qemu/ws-guest`);

    const set = await client.invoke('sched:set', {
      name: 'ws-guest',
      params: [{ field: 'cpu_shares', type: 'ullong', value: 2048 }],
      flags: { live: true },
    });
    expect(set.params).toContainEqual({ field: 'cpu_shares', type: 'ullong', value: 2048 });
    expect(readFileSync(join('/sys/fs/cgroup/cpu', cpuGroup!, 'cpu.shares'), 'utf8').trim()).toBe('2048');
    const got = await client.invoke('sched:get', { name: 'ws-guest' });
    expect(got.params).toContainEqual({ field: 'cpu_shares', type: 'ullong', value: 2048 });

    const devicesList = () => readFileSync(join('/sys/fs/cgroup/devices', devicesGroup!, 'devices.list'), 'utf8').split('\n');
    expect(devicesList()).toContain('c 1:9 rw');
    await client.invoke('devices:set', { name: 'ws-guest', omitDefaults: ['/dev/urandom'], flags: { live: true } });
    expect(devicesList().filter((l) => l.startsWith('c 1:9 '))).toEqual([]);
    expect(devicesList()).toContain('c 1:3 rw');

    // A wrong typed parameter crosses with libvirt's words and changes nothing.
    const wrong = await client.request('sched:set', {
      name: 'ws-guest',
      params: [{ field: 'cpu_shares', type: 'string', value: '512' }],
    });
    expect(wrong).toEqual({
      ok: false,
      error: { code: 'INVALID_ARG', message: "invalid type 'string' for parameter 'cpu_shares', expected 'ullong'" },
    });
    expect(readFileSync(join('/sys/fs/cgroup/cpu', cpuGroup!, 'cpu.shares'), 'utf8').trim()).toBe('2048');

    const destroyed = await client.invoke('vm:destroy', { name: 'ws-guest' });
    expect(destroyed.state).toBe('shutoff');
    // A request after the destroy reply: the events sent before it have been read.
    await client.invoke('vm:list', {});
    const mine = states.filter((s) => s.name === 'ws-guest').map((s) => s.state);
    expect(mine).toEqual(['starting', 'running', 'stopping', 'shutoff']);
  });
});
