// Disks on a running guest. Attach allows a block device's node in the ACL before QEMU opens it; detach waits for the
// guest to let go (DEVICE_DELETED), removes the block node, then denies the node unless something else still needs it.
import { CgvirtError, quoteName, type Disk } from '../../../shared';
import { ruleForPath, type AclRule } from '../cgroup';
import { blockdevArgs, BUS_HOTPLUG, deviceArgs, diskIds, diskProtocol } from '../qemu/disk';
import { planAcl, stillNeeded } from './acl';
import type { RunningGuest } from './running';

const UNPLUG_TIMEOUT_MS = 10_000;

export async function attachDiskLive(r: RunningGuest, disk: Disk): Promise<void> {
  const bus = BUS_HOTPLUG[disk.bus];
  if (!bus.attach) {
    throw new CgvirtError('OPERATION_INVALID', `a disk on bus '${disk.bus}' cannot be attached to a running guest (${bus.note}); use bus 'scsi'`);
  }
  if (r.live.disks.some((d) => d.path === disk.path)) {
    throw new CgvirtError('OPERATION_INVALID', `disk '${quoteName(disk.path)}' is already attached to '${r.name}'`);
  }
  const protocol = await diskProtocol(disk.path);
  let allowed: AclRule | null = null;
  if (protocol === 'host_device' && r.group && r.acl) {
    const rule = ruleForPath(disk.path, disk.readonly ? 'r' : 'rw');
    if (!stillNeeded(r.acl, rule)) {
      r.group.allow(rule);
      allowed = rule;
    }
  }
  const ids = diskIds(disk.path);
  try {
    await r.qmp.execute('blockdev-add', blockdevArgs(disk, protocol));
    try {
      await r.qmp.execute('device_add', deviceArgs(disk));
    } catch (e) {
      await r.qmp.execute('blockdev-del', { 'node-name': ids.formatNode }).catch(() => undefined);
      throw e;
    }
  } catch (e) {
    if (allowed) r.group!.deny(allowed);
    throw new CgvirtError('OPERATION_FAILED', `QEMU refused to attach disk '${quoteName(disk.path)}': ${(e as Error).message}`);
  }
  r.live = { ...r.live, disks: [...r.live.disks, disk] };
  if (r.acl) r.acl = planAcl(r.live);
}

export async function detachDiskLive(r: RunningGuest, path: string): Promise<void> {
  const disk = r.live.disks.find((d) => d.path === path);
  if (!disk) throw new CgvirtError('OPERATION_INVALID', `disk '${quoteName(path)}' is not attached to running guest '${r.name}'`);
  const ids = diskIds(path);
  // Subscribe before asking: QEMU may send the event before it answers device_del.
  const deleted = r.qmp.waitForEvent((e) => e.event === 'DEVICE_DELETED' && e.data?.device === ids.deviceId, {
    timeoutMs: UNPLUG_TIMEOUT_MS,
    what: `DEVICE_DELETED for ${ids.deviceId}`,
  });
  deleted.catch(() => undefined); // awaited below; a device_del failure must not leave it unhandled
  try {
    await r.qmp.execute('device_del', { id: ids.deviceId });
  } catch (e) {
    throw new CgvirtError('OPERATION_FAILED', `QEMU refused to detach disk '${quoteName(path)}': ${(e as Error).message}`);
  }
  try {
    await deleted;
  } catch {
    throw new CgvirtError(
      'OPERATION_FAILED',
      `the guest did not release disk '${quoteName(path)}' within ${UNPLUG_TIMEOUT_MS / 1000} s (${BUS_HOTPLUG[disk.bus].note}); the request stays pending`,
    );
  }
  await r.qmp.execute('blockdev-del', { 'node-name': ids.formatNode });
  r.live = { ...r.live, disks: r.live.disks.filter((d) => d.path !== path) };
  if (r.acl && r.group) {
    const next = planAcl(r.live);
    const gone = r.acl.entries.filter((e) => e.source === 'disk' && e.path === path && !stillNeeded(next, e.rule));
    for (const e of gone) r.group.deny(e.rule);
    r.acl = next;
  }
}
