// Host capabilities the integration and e2e tests need, and the one rule for a missing one:
// skip on a developer's machine, fail under CGVIRT_STRICT=1 (CI), never pass silently.
// No test-runner import here: vitest suites use ./describe-on-host, Playwright specs call `missing` directly.
import { existsSync, readFileSync } from 'node:fs';
import { probeDeviceFilter } from '../electron/engine/cgroup/bpf/probe';
import { onPath } from '../scripts/on-path.mjs';
import { findGrubRescueIso, findKernel, findStaticBusybox, GRUB_RESCUE_ISO } from './real-os';

export const STRICT = process.env.CGVIRT_STRICT === '1';

const v1Mounted = (controller: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => / - cgroup /.test(l) && l.split(' - ')[1]?.split(' ')[2]?.split(',').includes(controller));

/** Where this host mounts cgroup2 (the unified tree of a hybrid host), if it does. */
export const cgroup2Mount = (): string | null =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => / - cgroup2 /.test(l))
    ?.split(' ')[4] ?? null;

/** Each capability: whether this host has it, and what is missing when it does not. */
export const host = {
  root: () => (process.getuid?.() === 0 ? null : 'root (cgroup writes and QEMU placement need it)'),
  cgroupV1: () => {
    const missing = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices'].filter((c) => !v1Mounted(c));
    return missing.length ? `cgroup v1 controllers ${missing.join(', ')}` : null;
  },
  // The cgroup v2 device filter (electron/engine/cgroup/bpf/): a cgroup2 mount, and a kernel that loads the filter for us.
  cgroup2DeviceFilter: () => {
    if (!cgroup2Mount()) return 'a cgroup2 hierarchy (mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified)';
    const why = probeDeviceFilter();
    return why === null ? null : `a cgroup2 hierarchy that accepts device programs (${why})`;
  },
  qemu: () => (onPath('qemu-system-x86_64') ? null : 'qemu-system-x86_64 (Debian package qemu-system-x86)'),
  qemuImg: () => (onPath('qemu-img') ? null : 'qemu-img (Debian package qemu-utils)'),
  chromium: () => (existsSync('/usr/bin/chromium') ? null : '/usr/bin/chromium (Debian package chromium)'),
  // Real guests (testing/real-os.ts): a kernel + busybox initramfs guest with a NIC, and a CD-ROM boot into GRUB.
  linuxKernel: () => (findKernel() ? null : 'a Linux kernel /boot/vmlinuz-* with its /lib/modules dir (Debian package linux-image-amd64)'),
  busybox: () => (findStaticBusybox() ? null : 'a static /bin/busybox (Debian package busybox-static)'),
  grubIso: () => (findGrubRescueIso() ? null : `${GRUB_RESCUE_ISO} (Debian package grub-rescue-pc)`),
  cpio: () => (onPath('cpio') ? null : 'cpio (Debian package cpio)'),
  // Bridged NICs (electron/engine/vms/bridge.int.test.ts): the TUN device QEMU opens, and iproute2 for bridges and taps.
  tun: () => (existsSync('/dev/net/tun') && onPath('ip') ? null : '/dev/net/tun (the tun module) and ip (Debian package iproute2)'),
  loop: () => (existsSync('/dev/loop-control') && onPath('losetup') ? null : 'loop devices (/dev/loop-control and losetup)'),
} as const;
export type HostCapability = keyof typeof host;

/** What of `needs` this host lacks, in words; empty when it has everything. */
export function missing(...needs: HostCapability[]): string[] {
  return needs.map((n) => host[n]()).filter((m): m is string => m !== null);
}
