// What this host can do, in one answer for `host:info`: cgroup mode and controllers, privilege, QEMU, KVM, CPUs, and
// each feature the UI offers with the reason when it is unavailable.
import { availableParallelism } from 'node:os';
import { CONTROLLERS, type HostInfo } from '../../../shared';
import type { CgroupHierarchy } from '../cgroup';
import { probeKvm } from './kvm';
import { probeQemu } from './qemu';

export async function probeHost(cgroups: CgroupHierarchy, qemuBinary?: string): Promise<HostInfo> {
  const [qemu, kvm] = await Promise.all([probeQemu({ binary: qemuBinary }), probeKvm()]);
  const d = cgroups.detection;
  return {
    cgroup: {
      mode: d.mode,
      writable: d.writable,
      partition: cgroups.partition,
      controllers: CONTROLLERS.map((name) => {
        const c = d.controllers[name];
        return { name, version: c.version, usable: c.usable, ...(c.reason ? { reason: c.reason } : {}) };
      }),
    },
    privileged: d.privileged,
    qemu,
    accel: kvm.accel,
    cpus: availableParallelism(),
    features: {
      guests: qemu.error ? { available: false, reason: qemu.error } : { available: true },
      kvm: kvm.accel === 'kvm' ? { available: true } : { available: false, reason: kvm.reason },
      ...cgroups.features(),
    },
  };
}
