// Can this engine filter devices with a cgroup BPF program? Loads the filter once (a one-entry map and the program,
// both closed again; nothing is attached) and words the kernel's refusal as the reason host:info shows.
import { readFileSync } from 'node:fs';
import { BpfVerifierError, createMap, loadProgram } from './device-filter';
import { BpfError, closeFd } from './syscall';

const CAP_SYS_ADMIN = 21n;
const CAP_BPF = 39n;

/** Whether the effective capabilities (CapEff in /proc/self/status) would let bpf(2) through. */
export function privilegedForBpf(status: string): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (!m) return false;
  const caps = BigInt(`0x${m[1]}`);
  return Boolean(caps & (1n << CAP_SYS_ADMIN)) || Boolean(caps & (1n << CAP_BPF));
}

export const NEEDS_PRIVILEGE = 'the device filter needs a privileged engine (CAP_BPF/root)';
export const NO_CGROUP_BPF = 'this kernel has no cgroup BPF (CONFIG_CGROUP_BPF)';

/** The reason in words for a failed probe; `privileged` is what the capabilities say. */
export function probeReason(e: unknown, privileged: boolean): string {
  if (e instanceof BpfVerifierError) return e.message;
  if (!(e instanceof BpfError)) return `the device filter cannot call bpf(2): ${(e as Error).message}`;
  if (e.errno === 'ENOSYS') return 'this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)';
  if (e.errno === 'EPERM' || e.errno === 'EACCES') {
    if (!privileged) return NEEDS_PRIVILEGE;
    // Before 5.11 BPF maps and programs are charged to RLIMIT_MEMLOCK, whose default (64 KiB) a map can exceed.
    return `the kernel refused the device filter's BPF ${e.cmd === 'MAP_CREATE' ? 'map' : 'program'} (EPERM) although the engine is privileged: on kernels before 5.11 raise RLIMIT_MEMLOCK (ulimit -l, systemd LimitMEMLOCK=)`;
  }
  if (e.cmd === 'PROG_LOAD' && e.errno === 'EINVAL') return NO_CGROUP_BPF;
  return `the device filter could not be loaded: ${e.message}`;
}

/** null when the filter works on this host, else why not. */
export function probeDeviceFilter(): string | null {
  let mapFd: number | null = null;
  let progFd: number | null = null;
  try {
    mapFd = createMap(1);
    progFd = loadProgram(mapFd);
    return null;
  } catch (e) {
    let status = '';
    try {
      status = readFileSync('/proc/self/status', 'utf8');
    } catch {
      // no /proc: treat as unprivileged
    }
    return probeReason(e, privilegedForBpf(status));
  } finally {
    closeFd(progFd);
    closeFd(mapFd);
  }
}
