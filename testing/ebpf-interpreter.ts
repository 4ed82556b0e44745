// STAND-IN for the kernel's execution of an eBPF program, for unit tests only: BPF_PROG_TEST_RUN does not run cgroup
// device programs, so the device filter's lookup order is checked by running its encoded bytes here, with a JS map
// in place of the kernel's hash map. Only the instructions the filter uses are known; any other is an error, as are
// reads of unset registers or stack bytes (what the verifier would refuse). The real kernel's verdicts are checked by
// electron/engine/cgroup/bpf/device-filter.int.test.ts.

type Value = { kind: 'num'; v: bigint } | { kind: 'ptr'; mem: Buffer; off: number } | { kind: 'map'; fd: number };
const MASK64 = (1n << 64n) - 1n;
const num = (v: bigint): Value => ({ kind: 'num', v: v & MASK64 });
const sext32 = (imm: number) => BigInt(imm);

export interface RunInput {
  ctx: { accessType: number; major: number; minor: number };
  /** fd → (key bytes as hex → value bytes) */
  maps: Map<number, Map<string, Buffer>>;
}

export function runEbpf(bytes: Buffer, { ctx, maps }: RunInput): { r0: bigint; lookups: string[] } {
  const ctxMem = Buffer.alloc(12);
  ctxMem.writeUInt32LE(ctx.accessType, 0);
  ctxMem.writeUInt32LE(ctx.major, 4);
  ctxMem.writeUInt32LE(ctx.minor, 8);
  const stack = Buffer.alloc(512);
  const written = new Uint8Array(512);
  const regs: (Value | null)[] = Array(11).fill(null);
  regs[1] = { kind: 'ptr', mem: ctxMem, off: 0 };
  regs[10] = { kind: 'ptr', mem: stack, off: 512 };
  const lookups: string[] = [];
  const get = (r: number): Value => regs[r] ?? fail(`r${r} read before it was set`);
  const n = (r: number): bigint => {
    const v = get(r);
    if (v.kind !== 'num') fail(`r${r} is not a number`);
    return v.v;
  };
  const addr = (r: number, off: number): { mem: Buffer; at: number } => {
    const v = get(r);
    if (v.kind !== 'ptr') fail(`r${r} is not a pointer`);
    return { mem: v.mem, at: v.off + off };
  };
  for (let pc = 0, steps = 0; steps < 10_000; pc++, steps++) {
    if (pc * 8 >= bytes.length) fail(`fell off the end at ${pc}`);
    const op = bytes[pc * 8]!;
    const dst = bytes[pc * 8 + 1]! & 0xf;
    const src = bytes[pc * 8 + 1]! >> 4;
    const off = bytes.readInt16LE(pc * 8 + 2);
    const imm = bytes.readInt32LE(pc * 8 + 4);
    switch (op) {
      case 0xb7:
        regs[dst] = num(sext32(imm));
        break; // mov64 K
      case 0xbf:
        regs[dst] = get(src);
        break; // mov64 X
      case 0x07: {
        // add64 K
        const v = get(dst);
        regs[dst] = v.kind === 'ptr' ? { ...v, off: v.off + imm } : num(n(dst) + sext32(imm));
        break;
      }
      case 0x57:
        regs[dst] = num(n(dst) & (sext32(imm) & MASK64));
        break; // and64 K
      case 0x5f:
        regs[dst] = num(n(dst) & n(src));
        break; // and64 X
      case 0xa7:
        regs[dst] = num(n(dst) ^ (sext32(imm) & MASK64));
        break; // xor64 K
      case 0x77:
        regs[dst] = num(n(dst) >> BigInt(imm));
        break; // rsh64 K
      case 0x61: {
        // ldxw
        const { mem, at } = addr(src, off);
        if (mem === stack && !written.slice(at, at + 4).every(Boolean)) fail(`stack read of unset bytes at ${at - 512}`);
        regs[dst] = num(BigInt(mem.readUInt32LE(at)));
        break;
      }
      case 0x63:
      case 0x62: {
        // stxw, stw
        const { mem, at } = addr(dst, off);
        mem.writeUInt32LE(Number((op === 0x63 ? n(src) : sext32(imm) & MASK64) & 0xffffffffn), at);
        if (mem === stack) written.fill(1, at, at + 4);
        break;
      }
      case 0x18: // lddw: only the map-fd form
        if (src !== 1) fail('lddw other than a map fd');
        regs[dst] = { kind: 'map', fd: imm };
        pc++;
        break;
      case 0x85: {
        // call
        if (imm !== 1) fail(`helper ${imm}`);
        const m = get(1);
        if (m.kind !== 'map') fail('r1 is not a map');
        const { mem, at } = addr(2, 0);
        const key = mem.subarray(at, at + 12).toString('hex');
        lookups.push(key);
        const value = maps.get(m.fd)?.get(key);
        regs[0] = value ? { kind: 'ptr', mem: value, off: 0 } : num(0n);
        for (const r of [1, 2, 3, 4, 5]) regs[r] = null; // the helper clobbers r1-r5
        break;
      }
      case 0x55: {
        // jne K (a map value pointer compares as non-zero)
        const v = get(dst);
        const isZero = v.kind === 'num' && v.v === (sext32(imm) & MASK64);
        if (!isZero) pc += off;
        break;
      }
      case 0x95:
        return { r0: n(0), lookups }; // exit
      default:
        fail(`opcode 0x${op.toString(16)} at ${pc}`);
    }
  }
  return fail('did not exit');
}

function fail(why: string): never {
  throw new Error(`eBPF stand-in: ${why}`);
}
