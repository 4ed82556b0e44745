import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeKvm } from './kvm';

describe('probeKvm', () => {
  it("reports this host's /dev/kvm: kvm when it opens read-write, else tcg with why", async () => {
    const r = await probeKvm();
    if (existsSync('/dev/kvm')) expect(r.accel === 'kvm' || /permission|cannot be opened/.test((r as { reason: string }).reason)).toBe(true);
    else expect(r).toEqual({ accel: 'tcg', reason: expect.stringMatching(/^\/dev\/kvm does not exist .*guests run under TCG/) });
  });

  it('a node that opens read-write means kvm; a missing one means tcg naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgvirt-kvm-'));
    try {
      const f = join(dir, 'kvm');
      writeFileSync(f, '');
      expect(await probeKvm(f)).toEqual({ accel: 'kvm' });
      expect(await probeKvm(join(dir, 'none'))).toMatchObject({ accel: 'tcg', reason: expect.stringContaining(join(dir, 'none')) });
      expect(await probeKvm(dir)).toMatchObject({ accel: 'tcg', reason: expect.stringMatching(/EISDIR/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
