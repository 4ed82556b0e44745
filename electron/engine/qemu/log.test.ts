import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLogLine, displayArg, openLogForRun, readLogTail } from './log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('guest log', () => {
  it('appends a one-line start marker with the argv quoted where needed, mode 0600', async () => {
    const p = join(dir, 'g.log');
    writeFileSync(p, 'earlier run\n', { mode: 0o600 });
    const { handle, runOffset } = await openLogForRun(p, ['/usr/bin/qemu', '-name', 'guest=a,,b', '/x y\nz'], new Date(0));
    await handle.close();
    const text = readFileSync(p, 'utf8');
    expect(text).toBe('earlier run\n=== 1970-01-01T00:00:00.000Z cgvirt: starting /usr/bin/qemu -name guest=a,,b "/x y\\nz"\n');
    expect(runOffset).toBe(Buffer.byteLength(text));
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('reads the last lines, only from a run offset when given, and copes with a partial first line', async () => {
    const p = join(dir, 'g.log');
    writeFileSync(p, 'one\ntwo\n');
    const { handle, runOffset } = await openLogForRun(p, ['q']);
    await handle.close();
    appendFileSync(p, 'qemu: error A\nqemu: error B\n');
    expect(await readLogTail(p, 2)).toEqual(['qemu: error A', 'qemu: error B']);
    expect(await readLogTail(p, 10, { fromOffset: runOffset })).toEqual(['qemu: error A', 'qemu: error B']);
    expect(await readLogTail(p, 10, { maxBytes: 16 })).toEqual(['qemu: error B']);
    expect(await readLogTail(p, 0)).toEqual([]);
    expect(await readLogTail(join(dir, 'none.log'), 5)).toEqual([]);
  });

  it('appendLogLine keeps one line per message', async () => {
    const p = join(dir, 'g.log');
    await appendLogLine(p, 'start failed:\nstep x', new Date(0));
    expect(readFileSync(p, 'utf8')).toBe('=== 1970-01-01T00:00:00.000Z cgvirt: start failed: step x\n');
  });

  it('displayArg leaves plain words alone', () => {
    expect(displayArg('-m')).toBe('-m');
    expect(displayArg('{"a":1}')).toBe('"{\\"a\\":1}"');
  });
});
