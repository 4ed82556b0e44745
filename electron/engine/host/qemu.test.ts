// Finding QEMU: PATH lookup, CGVIRT_QEMU, and each way it can be missing or broken (stand-in executables written to a
// temp dir play the broken binaries; the real QEMU is probed in qemu.int.test.ts).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCgvirtError } from '../../../shared';
import { parseQemuVersion, probeQemu, requireQemu } from './qemu';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgvirt-hostqemu-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const script = (name: string, body: string, mode = 0o755) => {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
};

describe('parseQemuVersion', () => {
  it('reads the version from the first line', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright ...')).toBe('7.2.22');
    expect(parseQemuVersion('QEMU emulator version 9.0\n')).toBe('9.0');
    expect(parseQemuVersion('something else')).toBeNull();
  });
});

describe('probeQemu', () => {
  it('finds the binary on PATH and runs --version', async () => {
    script('qemu-system-x86_64', 'echo "QEMU emulator version 8.1.3 (test)"');
    expect(await probeQemu({ binary: undefined, pathEnv: `/nonexistent:${dir}` })).toEqual({
      path: join(dir, 'qemu-system-x86_64'),
      version: '8.1.3',
    });
  });

  it('a missing QEMU says what to install and what to set', async () => {
    const r = await probeQemu({ pathEnv: dir });
    expect(r.path).toBeNull();
    expect(r.error).toBe(
      `QEMU is not installed: no 'qemu-system-x86_64' on PATH (${dir}); install the Debian package qemu-system-x86, or set CGVIRT_QEMU to the path of qemu-system-x86_64`,
    );
  });

  it('a configured path that does not exist, is not executable, or is relative is named as CGVIRT_QEMU', async () => {
    expect((await probeQemu({ binary: join(dir, 'nope') })).error).toMatch(/^QEMU binary CGVIRT_QEMU='.*nope' does not exist; install/);
    const noX = script('qemu', 'echo hi', 0o644);
    expect((await probeQemu({ binary: noX })).error).toMatch(/CGVIRT_QEMU='.*qemu' is not executable/);
    expect((await probeQemu({ binary: 'bin/qemu' })).error).toMatch(/CGVIRT_QEMU='bin\/qemu' is not an absolute path/);
    expect((await probeQemu({ binary: dir })).error).toMatch(/is not a file/);
  });

  it('a binary that is not QEMU, fails, or hangs is reported, and a hung one is killed', async () => {
    const other = script('other', 'echo "Python 3.11"');
    expect((await probeQemu({ binary: other })).error).toMatch(/does not look like QEMU: --version printed 'Python 3.11'/);
    const failing = script('failing', 'echo "cannot load libfoo.so" >&2; exit 1');
    expect((await probeQemu({ binary: failing })).error).toMatch(/--version' failed: cannot load libfoo.so/);
    const hung = script('hung', `echo $$ > ${join(dir, 'hung.pid')}; exec sleep 60`);
    const r = await probeQemu({ binary: hung, timeoutMs: 200 });
    expect(r.error).toMatch(/did not answer within 200 ms/);
    const { readFileSync } = await import('node:fs');
    const pid = Number(readFileSync(join(dir, 'hung.pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('requireQemu throws UNSUPPORTED with the same words', async () => {
    const e = await requireQemu({ pathEnv: dir }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isCgvirtError(e) && e.code).toBe('UNSUPPORTED');
    expect((e as Error).message).toMatch(/install the Debian package qemu-system-x86/);
  });
});
