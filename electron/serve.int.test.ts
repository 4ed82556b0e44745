// `serve` as a user runs it: the bundled script (built here by scripts/build.mjs itself, into a temporary dir) with
// the real engine. It prints one line with the URL, serves the UI and the WebSocket, and on SIGTERM closes the engine
// and exits 0 while the guest keeps running; a new `serve` on the same state finds the guest running.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../testing/describe-on-host';
import { newEngineDirs, type EngineHarnessDirs } from '../testing/engine';
import { writeBootImage } from '../testing/guests';
import { partitionLeftovers, removeTestPartition } from '../testing/partition';
import { connectWsClient } from '../testing/ws-client';

const root = resolve(import.meta.dirname, '..');

interface Serve {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

describeOnHost(['root', 'cgroupV1', 'qemu'], 'serve (the bundled CLI, real engine)', () => {
  let dirs: EngineHarnessDirs;
  let dist: string;
  const children: ChildProcess[] = [];

  function startServe(args: string[] = []): Promise<Serve> {
    const child = spawn(process.execPath, [join(dist, 'electron', 'serve.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CGVIRT_HOME: dirs.configDir,
        XDG_RUNTIME_DIR: dirs.runtimeDir,
        CGVIRT_CGROUP_PARTITION: dirs.partition,
      },
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal, stderr })),
    );
    return new Promise((resolveServe, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^cgvirt serving at (\S+)$/m.exec(out);
        if (m) resolveServe({ child, url: m[1]!, exited });
      });
      void exited.then((e) => reject(new Error(`serve exited early (${e.code ?? e.signal}): ${e.stderr}`)));
    });
  }

  beforeAll(() => {
    dirs = newEngineDirs();
    mkdirSync(dirs.runtimeDir, { recursive: true });
    dist = join(dirs.root, 'dist');
    mkdirSync(join(dist, 'renderer'), { recursive: true });
    writeFileSync(join(dist, 'renderer', 'index.html'), '<!doctype html><title>cgvirt</title>');
    const built = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet', '--no-renderer', '--outdir', dist], { cwd: root, encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (dirs) {
      // Whatever is left running (the guest, if a step failed) is in our partition: removing it kills it.
      await removeTestPartition(dirs.partition);
      expect(partitionLeftovers(dirs.partition)).toEqual([]);
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });

  it('prints its URL, serves, stops on SIGTERM leaving the guest running, and a new serve finds it', async () => {
    const first = await startServe();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const page = await fetch(first.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");

    const client = await connectWsClient(first.url);
    const image = writeBootImage(dirs.root, 'halt');
    await client.invoke('vm:define', { name: 'kept', memoryMiB: 32, vcpus: 1, disks: [{ path: image }] });
    const running = await client.invoke('vm:start', { name: 'kept' });
    expect(running.state).toBe('running');
    await client.close();

    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(() => process.kill(running.pid!, 0)).not.toThrow();

    // The same address as before (token and port kept in the config dir, 0600): a page left open reconnects.
    const second = await startServe();
    expect(second.url).toBe(first.url);
    expect(statSync(join(dirs.configDir, 'web.json')).mode & 0o777).toBe(0o600);
    const again = await connectWsClient(second.url);
    const found = await again.invoke('vm:get', { name: 'kept' });
    expect(found).toMatchObject({ state: 'running', pid: running.pid });
    expect((await again.invoke('vm:destroy', { name: 'kept' })).state).toBe('shutoff');
    await again.close();
    second.child.kill('SIGINT');
    expect(await second.exited).toMatchObject({ code: 0, signal: null });

    // --rotate-token: a new token, and the old address is refused.
    const third = await startServe(['--rotate-token']);
    expect(new URL(third.url).port).toBe(new URL(first.url).port);
    expect(new URL(third.url).searchParams.get('token')).not.toBe(new URL(first.url).searchParams.get('token'));
    await expect(connectWsClient(first.url)).rejects.toThrow(/HTTP 401/);
    third.child.kill('SIGTERM');
    expect(await third.exited).toMatchObject({ code: 0, signal: null });
  });

  it('refuses a non-loopback address without --allow-remote, and says why', async () => {
    const child = spawn(process.execPath, [join(dist, 'electron', 'serve.js'), '--listen', '0.0.0.0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(2);
    expect(stderr).toContain('--allow-remote');
  });
});
