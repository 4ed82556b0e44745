// The kernel's CPU list syntax (`0-1,3`), as in cpuset.cpus and /sys/devices/system/cpu/online.
import { CgvirtError, quoteName } from '../../../shared';

export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const part of list.trim().split(',').filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new CgvirtError('INVALID_ARG', `cpuset '${quoteName(list)}' must be a CPU list like '0', '0-1' or '0,2-3'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new CgvirtError('INVALID_ARG', `cpuset '${quoteName(list)}': range ${part} runs backwards`);
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** `[0,1,3]` → `0-1,3`. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? `${start}` : `${start}-${sorted[i]}`);
  }
  return parts.join(',');
}

/** Checks `wanted` names only CPUs in `available`, and returns it normalized. */
export function checkCpuset(wanted: string, available: string): string {
  const have = new Set(parseCpuList(available));
  const cpus = parseCpuList(wanted);
  if (cpus.length === 0) throw new CgvirtError('INVALID_ARG', 'cpuset must name at least one CPU');
  const absent = cpus.filter((c) => !have.has(c));
  if (absent.length) {
    throw new CgvirtError(
      'INVALID_ARG',
      `cpuset '${quoteName(wanted)}' names CPU ${formatCpuList(absent)}, but this host offers CPUs ${available.trim() || 'none'}`,
    );
  }
  return formatCpuList(cpus);
}
