// What this host can do, in one answer for `host:info`: cgroup mode and controllers, privilege, QEMU, KVM, CPUs, the host's bridges, and
// each feature the UI offers with the reason when it is unavailable. The cgroup part arrives as data from the cgroup
// layer (host/ is the engine's ground floor: it imports nothing else of the engine).
import { availableParallelism } from 'node:os';
import type { Feature, HostInfo } from '../../../shared';
import { probeKvm } from './kvm';
import { listBridges, probeBridging } from './network';
import { probeQemu } from './qemu';

/** The features host/ probes itself; the cgroup layer reports the rest. */
export const HOST_FEATURES = ['guests', 'kvm', 'bridgedNetwork'] as const satisfies readonly Feature[];
export type HostFeature = (typeof HOST_FEATURES)[number];

/** What the cgroup layer reports of this host: its part of host:info and the features that need a controller. */
export interface CgroupReport {
  cgroup: HostInfo['cgroup'];
  privileged: boolean;
  features: Omit<HostInfo['features'], HostFeature>;
}

export async function probeHost(cgroups: CgroupReport, imagesDir: string, qemuBinary?: string): Promise<HostInfo> {
  const [qemu, kvm] = await Promise.all([probeQemu({ binary: qemuBinary }), probeKvm()]);
  return {
    cgroup: cgroups.cgroup,
    privileged: cgroups.privileged,
    qemu,
    imagesDir,
    accel: kvm.accel,
    cpus: availableParallelism(),
    bridges: listBridges(),
    features: {
      ...cgroups.features,
      guests: qemu.error ? { available: false, reason: qemu.error } : { available: true },
      kvm: kvm.accel === 'kvm' ? { available: true } : { available: false, reason: kvm.reason },
      bridgedNetwork: probeBridging(),
    },
  };
}
