// Sample data for tests and the test doubles of both layers (the fake engine, the page double): what this kind of
// host reports, and a small guest, so every test describes the same host and guest.
import type { HostInfo, VmInfo, VmState } from '../shared';

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
  accel: 'tcg',
  cpus: 2,
  features: {
    guests: { available: true },
    kvm: { available: false, reason: '/dev/kvm does not exist' },
    cpuPriority: { available: true },
    cpuCap: { available: true },
    cpuPinning: { available: true },
    memoryLimit: { available: true },
    deviceAcl: { available: true },
    stats: { available: true },
  },
};

/** A small guest in `state` (64 MiB, 1 vCPU), with raw virtio disks at `disks` and `shares` if given. */
export function guest(name: string, state: VmState, over: { shares?: number; disks?: string[] } = {}): VmInfo {
  return {
    definition: {
      name,
      uuid: '6a4c1e0e-1f5a-4d3b-9c7e-0b1a2c3d4e5f',
      memoryMiB: 64,
      vcpus: 1,
      disks: (over.disks ?? []).map((path) => ({ path, format: 'raw', readonly: false, bus: 'virtio' })),
      cpu: over.shares === undefined ? {} : { shares: over.shares },
      devices: { extra: [], omitDefaults: [] },
      autostart: false,
      vnc: false,
    },
    state,
  };
}
