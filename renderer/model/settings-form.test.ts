import { describe, expect, it } from 'vitest';
import { guest } from '../../testing/fixtures';
import { changeOf, draftOf, draftProblems, labelsOf } from './settings-form';

const def = {
  ...guest('web', 'shutoff', { shares: 2048, cpuset: '0', disks: ['/srv/a.img'] }).definition,
  memoryLimitMiB: 512,
};
def.disks[0]!.bus = 'scsi';

describe('the Settings form', () => {
  it('round-trips a definition: the draft of a definition changes nothing', () => {
    expect({ ...def, ...changeOf(def, draftOf(def)) }).toEqual(def);
  });

  it('reads an empty number as not given (required), never as 0, and an empty pinning or limit as none', () => {
    const draft = { ...draftOf(def), memoryMiB: '', cpuset: ' ', memoryLimitMiB: '' };
    expect(draftProblems(def, draft).memoryMiB).toBe('Memory (MiB) must be a number, not undefined');
    const change = changeOf(def, { ...draft, memoryMiB: '64' });
    expect(change.cpu).toEqual({ shares: 2048 });
    expect(change.memoryLimitMiB).toBeUndefined();
    expect(draftProblems(def, { ...draft, memoryMiB: '64' })).toEqual({});
  });

  it('keeps a disk’s bus when its path stays, and names a problem with the field it belongs to', () => {
    const draft = draftOf(def);
    expect(changeOf(def, draft).disks).toEqual([{ path: '/srv/a.img', format: 'raw', readonly: false, bus: 'scsi' }]);
    expect(draftProblems(def, { ...draft, disks: [{ path: 'relative.img', format: 'raw' }] }).disks).toMatch(/not absolute/);
    expect(draftProblems(def, { ...draft, cpuset: 'x' }).cpuset).toMatch(/CPU list/);
    expect(draftProblems(def, { ...draft, memoryLimitMiB: '32' }).memoryLimitMiB).toMatch(/below the guest's memory/);
  });

  it('says fields in the window’s words', () => {
    expect(labelsOf(['memoryMiB', 'vcpus', 'disks', 'memoryLimitMiB'])).toEqual(['memory', 'vCPUs', 'disks', 'memory limit']);
  });
});
