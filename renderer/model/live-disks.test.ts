import { describe, expect, it } from 'vitest';
import type { Disk } from '../../shared';
import { liveDiskRows } from './live-disks';

const disk = (path: string, bus: Disk['bus'] = 'scsi'): Disk => ({ path, format: 'raw', readonly: false, bus });
const def = (disks: Disk[]) => ({ definition: { disks } as never });

describe('liveDiskRows', () => {
  it('lists a guest whose QEMU has exactly its definition as attached disks, detached now and from the definition', () => {
    const rows = liveDiskRows(def([disk('/a.img')]));
    expect(rows).toEqual([{ disk: disk('/a.img'), place: 'both', detach: { live: true, config: true } }]);
  });

  it('names a live-only disk and a waiting one, and detaches each only where it is', () => {
    const rows = liveDiskRows({ ...def([disk('/a.img'), disk('/later.img')]), liveDisks: [disk('/a.img'), disk('/now.img')] });
    expect(rows.map((r) => [r.disk.path, r.place, r.detach, r.note])).toEqual([
      ['/a.img', 'both', { live: true, config: true }, undefined],
      ['/now.img', 'live', { live: true, config: false }, 'attached now; gone at the next start'],
      ['/later.img', 'config', { config: true }, 'from the next start'],
    ]);
  });

  it('warns that a virtio disk leaves a running guest only if its OS lets go, but not for a disk not yet attached', () => {
    const rows = liveDiskRows({ ...def([disk('/v.img', 'virtio'), disk('/w.img', 'virtio')]), liveDisks: [disk('/v.img', 'virtio')] });
    expect(rows[0]!.needsGuest).toMatch(/needs the guest OS to answer/);
    expect(rows[1]!.needsGuest).toBeUndefined();
  });
});
