import { expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { probeQemu, requireQemu } from './qemu';

describeOnHost(['qemu'], 'the real QEMU of this host', () => {
  it('is found on PATH with its version', async () => {
    const q = await probeQemu({ binary: undefined });
    expect(q.error).toBeUndefined();
    expect(q.path).toMatch(/\/qemu-system-x86_64$/);
    expect(q.version).toMatch(/^\d+\.\d+(\.\d+)?$/);
    expect(await requireQemu()).toEqual({ path: q.path, version: q.version });
  });
});
