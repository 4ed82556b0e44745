// Memory: the resident size of the engine (the built `serve`, as users run it) idle, and with 20 running guests.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connectWsClient } from '../testing/ws-client';
import { newEngineDirs } from '../testing/engine';
import { writeBootImage } from '../testing/guests';
import { removeTestPartition } from '../testing/partition';
import { figure, summarize, type Figure } from './measure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function benchMemory(opts: { quick: boolean }): Promise<Figure[]> {
  const guests = 20;
  const dirs = newEngineDirs();
  const serve = spawn(process.execPath, ['dist/electron/serve.js', '--port', '0'], {
    env: { ...process.env, CGVIRT_HOME: dirs.configDir, XDG_RUNTIME_DIR: dirs.root, CGVIRT_CGROUP_PARTITION: dirs.partition },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: serve.stdout }).on('line', (l) => {
        const m = /^cgvirt serving at (\S+)$/.exec(l);
        if (m) resolve(m[1]!);
      });
      serve.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL; run npm run build first`)));
    });
    const settle = opts.quick ? 2000 : 5000;
    // The floor: a bare Node process of the same version, doing nothing.
    const bare = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await sleep(settle);
    const idle = rssMiB(serve.pid!);
    const floor = rssMiB(bare.pid!);
    bare.kill('SIGKILL');
    const client = await connectWsClient(url);
    for (let i = 0; i < guests; i++) {
      const image = writeBootImage(dirs.root, 'halt', `mem-${i}.img`);
      await client.invoke('vm:define', { name: `mem-${i}`, memoryMiB: 32, vcpus: 1, disks: [{ path: image }] });
      await client.invoke('vm:start', { name: `mem-${i}` });
    }
    await sleep(settle); // a few stats ticks with all 20 running
    const busy = rssMiB(serve.pid!);
    for (let i = 0; i < guests; i++) await client.invoke('vm:destroy', { name: `mem-${i}` });
    await client.close();
    return [
      figure({
        id: 'memory.engine.idle',
        title: 'engine resident size, idle (serve)',
        summary: summarize([idle], 'MiB'),
        floor: { label: 'bare node process', summary: summarize([floor], 'MiB') },
      }),
      figure({
        id: 'memory.engine.20_guests',
        title: `engine resident size, ${guests} running guests (serve)`,
        summary: summarize([busy], 'MiB'),
        details: { 'per guest (MiB)': (busy - idle) / guests },
      }),
    ];
  } finally {
    const gone = new Promise((r) => serve.once('exit', r));
    if (serve.exitCode === null) serve.kill('SIGTERM');
    await gone;
    await removeTestPartition(dirs.partition); // any guest still running is in it, and goes with it
    rmSync(dirs.root, { recursive: true, force: true });
  }
}
