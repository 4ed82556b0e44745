// Control latency: `sched:set cpu_shares` on a running guest through the router in-process and over the WebSocket
// round trip, against a raw cpu.shares write in the same run (the floor) and libvirt's figures on this machine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter } from '../electron/ipc/router';
import { startWebServer } from '../electron/ipc/web-server';
import { connectWsClient } from '../testing/ws-client';
import { startEngineHarness } from '../testing/engine';
import { figure, summarize, timeEach, type Figure } from './measure';

const VIRSH_CLI_MS = 56;
const VIRSH_API_MS = 1.95;

export async function benchControl(opts: { quick: boolean }): Promise<Figure[]> {
  const n = opts.quick ? 1000 : 5000;
  const t = await startEngineHarness();
  try {
    await t.engine.vmDefine(t.guest('ctl'));
    await t.engine.vmStart({ name: 'ctl' });
    const sharesFile = join('/sys/fs/cgroup/cpu', t.dirs.partition, 'qemu', 'ctl', 'cpu.shares');
    let v = 1024;
    const flip = () => (v = v === 1024 ? 2048 : 1024);
    const raw = await timeEach(() => writeFileSync(sharesFile, String(flip())), n, 500);
    const payload = () => ({ name: 'ctl', params: [{ field: 'cpu_shares', type: 'ullong', value: flip() }], flags: { live: true } });

    const router = createRouter(t.engine);
    const inProcess = await timeEach(
      async () => {
        const r = await router.handle('sched:set', payload());
        if (!r.ok) throw new Error(r.error.message);
      },
      n,
      500,
    );

    const server = await startWebServer({ engine: t.engine, staticDir: join(t.dirs.root, 'no-ui') });
    const client = await connectWsClient(server.url);
    const overWs = await timeEach(
      async () => {
        const r = await client.request('sched:set', payload());
        if (!r.ok) throw new Error(r.error.message);
      },
      n,
      500,
    );
    await client.close();
    await server.close();

    const floor = { label: 'raw cpu.shares write', summary: summarize(raw, 'µs') };
    const anchors = { 'anchor: virsh schedinfo --set, CLI (ms)': VIRSH_CLI_MS, 'anchor: libvirt API, persistent connection (ms)': VIRSH_API_MS };
    const ws = summarize(overWs, 'µs');
    return [
      figure({ id: 'control.sched_set.in_process', title: 'sched:set cpu_shares, router in-process', summary: summarize(inProcess, 'µs'), floor }),
      figure({
        id: 'control.sched_set.websocket',
        title: 'sched:set cpu_shares, WebSocket round trip',
        summary: ws,
        floor,
        details: { ...anchors, 'vs libvirt API': `${((VIRSH_API_MS * 1000) / ws.median).toFixed(1)}× faster` },
      }),
    ];
  } finally {
    await t.teardown();
  }
}
