// A change to a defined guest checks the host paths it adds, not the ones it already had: an installer ISO deleted
// since must not block saving its memory, while a new path that is not there is still refused, naming the field.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';

let t: EngineHarness;

describeOnHost(['root', 'cgroupV1'], 'which host paths vm:update checks', () => {
  beforeAll(async () => {
    t = await startEngineHarness();
  });
  afterAll(async () => t?.teardown());

  it('keeps an ISO that is gone since, and refuses a new one that is not there', async () => {
    const iso = join(t.dirs.root, 'install.iso');
    writeFileSync(iso, Buffer.alloc(2048));
    const vm = await t.engine.vmDefine(t.guest('upd', 'halt', { cdroms: [{ path: iso }] }));
    rmSync(iso);
    const { info } = await t.engine.vmUpdate({ ...vm.definition, memoryMiB: 48 });
    expect(info.definition).toMatchObject({ memoryMiB: 48, cdroms: [{ path: iso }] });
    await expect(t.engine.vmUpdate({ ...info.definition, cdroms: [{ path: iso }, { path: `${iso}.other` }] })).rejects.toThrow(
      `cdroms[1].path '${iso}.other' does not exist`,
    );
  });
});
