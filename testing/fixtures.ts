// Sample data for the test doubles of both layers (the router's engine double, the renderer's page-API double): what
// this kind of host reports, so the two doubles describe the same host.
import type { HostInfo } from '../shared';

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
