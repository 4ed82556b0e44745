// Sample data for tests and the test doubles of both layers (the fake engine, the page double): what this kind of
// host reports, and a small guest, so every test describes the same host and guest.
import { FEATURES, type HostInfo, type VmInfo, type VmState } from '../shared';

export const sampleHostInfo: HostInfo = {
  cgroup: {
    mode: 'hybrid',
    writable: true,
    partition: '/cgvirt-test',
    controllers: [
      { name: 'cpu', version: 1, usable: true },
      { name: 'cpuacct', version: 1, usable: true },
      { name: 'cpuset', version: 1, usable: true },
      { name: 'memory', version: 1, usable: true },
      { name: 'devices', version: 1, usable: true },
    ],
  },
  privileged: true,
  qemu: { path: '/usr/bin/qemu-system-x86_64', version: '7.2.0' },
  imagesDir: '/var/lib/cgvirt/images',
  accel: 'tcg',
  cpus: 2,
  bridges: ['br0', 'br-lab'],
  // Every feature available but KVM (this machine kind has none that boots Linux): built from the feature list, so a
  // new feature needs no entry here.
  features: {
    ...(Object.fromEntries(FEATURES.map((f) => [f, { available: true }])) as HostInfo['features']),
    kvm: { available: false, reason: '/dev/kvm does not exist' },
  },
};

/** A small guest in `state` (64 MiB, 1 vCPU), with raw virtio disks at `disks`, and `shares` and `cpuset` if given. */
export function guest(name: string, state: VmState, over: { shares?: number; disks?: string[]; cpuset?: string } = {}): VmInfo {
  return {
    definition: {
      name,
      uuid: '6a4c1e0e-1f5a-4d3b-9c7e-0b1a2c3d4e5f',
      memoryMiB: 64,
      vcpus: 1,
      disks: (over.disks ?? []).map((path) => ({ path, format: 'raw', readonly: false, bus: 'virtio' })),
      cpu: { ...(over.shares === undefined ? {} : { shares: over.shares }), ...(over.cpuset === undefined ? {} : { cpuset: over.cpuset }) },
      devices: { extra: [], omitDefaults: [] },
      autostart: false,
      vnc: false,
      cdroms: [],
      boot: { order: ['disk', 'cdrom'] },
      nics: [],
      accel: 'auto',
    },
    state,
  };
}
