// The QEMU command line for a guest definition. User text (disk paths) only goes into JSON option values; the guest
// name and our own runtime paths go into comma-separated options with QEMU's comma doubling.
import { invalidArg, operationFailed, type Accel, type Definition } from '../../../shared';
import { blockdevArgs, deviceArgs, disksProblem, SCSI_CONTROLLER_ID } from './disk';
import { bootIndexes, hardwareArgs, ideProblem, SERIAL_CHARDEV_ID } from './hardware';
import type { RuntimePaths } from './runtime-files';

export { blockDevicePaths, blockdevArgs, BUS_HOTPLUG, deviceArgs, diskIds, diskProblem, disksProblem, SCSI_CONTROLLER_ID } from './disk';

export type { RuntimePaths } from './runtime-files';

export interface ArgvInput {
  definition: Definition;
  accel: Accel;
  paths: RuntimePaths;
  /** Disk paths that are host block devices (see `blockDevicePaths`); every other disk is a file. */
  blockDevices?: ReadonlySet<string>;
}

/** The chardev id of the QMP monitor. */
export const QMP_CHARDEV_ID = 'cgvirt-qmp';

/**
 * QEMU's seccomp filter, as libvirt sets it: no obsolete syscalls, no setuid/setgid, no fork/exec, no scheduler or
 * affinity changes from inside QEMU (cgroups decide those).
 */
export const SANDBOX = 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny';

/** A value inside a comma-separated QEMU option: QEMU's option parser reads `,,` as a literal comma. */
export const qemuOptValue = (s: string): string => s.replaceAll(',', ',,');

const json = (o: Record<string, unknown>) => JSON.stringify(o);

/** `sun_path` is 108 bytes including the terminating NUL. */
export const UNIX_SOCKET_PATH_MAX = 107;

function checkSocketPath(what: string, path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > UNIX_SOCKET_PATH_MAX) {
    throw operationFailed(
      `the ${what} path '${path}' is ${bytes} bytes, over the ${UNIX_SOCKET_PATH_MAX} a unix socket allows; use a shorter runtime directory`,
    );
  }
}

/** The arguments after the QEMU binary. Throws INVALID_ARG for a disk layout QEMU cannot run. */
export function buildArgv({ definition: d, accel, paths, blockDevices = new Set() }: ArgvInput): string[] {
  const problem = disksProblem(d.disks) ?? ideProblem(d);
  if (problem) throw invalidArg(problem);
  if (d.vnc && !paths.vncSocket) throw new Error('buildArgv: the definition enables VNC but no vncSocket path was given');
  checkSocketPath('QMP socket', paths.qmpSocket);
  if (d.vnc) checkSocketPath('VNC socket', paths.vncSocket!);
  if (paths.serialSocket) checkSocketPath('serial socket', paths.serialSocket);

  const argv = [
    '-name',
    `guest=${qemuOptValue(d.name)}`,
    '-uuid',
    d.uuid,
    // i440fx: the IDE buses the ide bus needs, and PCI slots on the root bus for hot-plugged virtio disks.
    '-machine',
    'pc',
    '-accel',
    accel,
    '-m',
    String(d.memoryMiB),
    '-smp',
    String(d.vcpus),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-sandbox',
    SANDBOX,
    '-chardev',
    `socket,id=${QMP_CHARDEV_ID},path=${qemuOptValue(paths.qmpSocket)},server=on,wait=off`,
    '-mon',
    `chardev=${QMP_CHARDEV_ID},mode=control`,
    '-pidfile',
    paths.pidfile,
    '-device',
    json({ driver: 'virtio-scsi-pci', id: SCSI_CONTROLLER_ID }),
  ];
  if (d.vnc) {
    // -nodefaults drops the VGA card; without one a VNC client only sees "display not initialized".
    argv.push('-vnc', `unix:${qemuOptValue(paths.vncSocket!)}`, '-device', json({ driver: 'VGA', id: 'video0' }));
  }
  if (paths.serialSocket) {
    // The guest's first serial port; the engine holds the one connection and fans it out to viewers.
    argv.push(
      '-chardev',
      `socket,id=${SERIAL_CHARDEV_ID},path=${qemuOptValue(paths.serialSocket)},server=on,wait=off`,
      '-serial',
      `chardev:${SERIAL_CHARDEV_ID}`,
    );
  }
  const boot = bootIndexes(d);
  let ideIndex = 0;
  d.disks.forEach((disk, i) => {
    argv.push('-blockdev', json(blockdevArgs(disk, blockDevices.has(disk.path) ? 'host_device' : 'file')));
    const placement = {
      ...(i === 0 && boot.disk !== undefined ? { bootindex: boot.disk } : {}),
      ...(disk.bus === 'ide' ? { ideIndex: ideIndex++ } : {}),
    };
    argv.push('-device', json(deviceArgs(disk, placement)));
  });
  argv.push(...hardwareArgs(d));
  // Stopped before the first guest instruction: the engine checks the cgroup and applies limits, then sends `cont`.
  argv.push('-S');
  return argv;
}
