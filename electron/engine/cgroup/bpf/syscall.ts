// bpf(2) from Node, through libc's syscall(3) called with koffi (an FFI with prebuilt binaries: see docs/ARCHITECTURE.md,
// Decisions). The attr is a Buffer laid out by attr.ts; koffi passes a Buffer by reference, so what the kernel writes
// back (counts, info lengths) lands in it. koffi is loaded on first use, so a host without it (or not Linux) gets a
// reason from the probe instead of an engine that fails to load.
import { closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { CMD, type BpfCmd } from './attr';

/** SYS_bpf per architecture (arch/x86/entry/syscalls/syscall_64.tbl; include/uapi/asm-generic/unistd.h). */
const SYS_BPF: Partial<Record<string, number>> = { x64: 321, arm64: 280, riscv64: 280, ia32: 357 };

type Syscall = (nr: number, cmd: number, attr: Buffer, size: number) => number;
interface Koffi {
  load(path: string): { func(signature: string): Syscall };
  address(value: unknown): bigint;
  errno(): number;
}

let ffi: { koffi: Koffi; syscall: Syscall; nr: number } | null = null;

/** bpf(2) failed: `errno` is its name (EPERM, EINVAL, E2BIG, ...). */
export class BpfError extends Error {
  constructor(
    readonly cmd: BpfCmd,
    readonly errno: string,
  ) {
    super(`bpf(${cmd}) failed: ${errno}`);
  }
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

function load(): NonNullable<typeof ffi> {
  if (ffi) return ffi;
  const nr = SYS_BPF[process.arch];
  if (process.platform !== 'linux' || nr === undefined) throw new Error(`bpf(2) is a Linux system call (this is ${process.platform}/${process.arch})`);
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  // syscall(3) is variadic; on the System V ABIs every argument here is an integer in a register, so a fixed
  // prototype passes them exactly as a variadic call would (glibc's syscall is a register shuffle in assembly).
  const syscall = koffi.load('libc.so.6').func('long syscall(long nr, int cmd, void *attr, unsigned int size)');
  ffi = { koffi, syscall, nr };
  return ffi;
}

/** Runs one bpf(2) command; answers its result (a new fd for the commands that make one, else 0). */
export function bpf(cmd: BpfCmd, attr: Buffer): number {
  const f = load();
  const r = Number(f.syscall(f.nr, CMD[cmd], attr, attr.length));
  if (r < 0) {
    const n = f.koffi.errno();
    throw new BpfError(cmd, ERRNO_NAMES.get(n) ?? `errno ${n}`);
  }
  return r;
}

/** Where a Buffer's bytes are, for the pointer fields of an attr. The Buffer must stay referenced until the call returns. */
export const addressOf = (buf: Buffer): bigint => load().koffi.address(buf);

export function closeFd(fd: number | null): void {
  if (fd === null) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
