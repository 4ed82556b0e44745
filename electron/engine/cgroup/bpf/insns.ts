// An eBPF instruction encoder, just big enough for the device filter (program.ts). Each instruction is 8 bytes,
// little-endian (Documentation/bpf/standardization/instruction-set.rst):
//   byte 0     opcode: the low 3 bits are the class, the rest depend on it
//   byte 1     dst_reg in the low nibble, src_reg in the high nibble
//   bytes 2-3  off (signed 16-bit): a jump's distance in instructions, or a load/store's displacement
//   bytes 4-7  imm (signed 32-bit)
// A 64-bit immediate load (`lddw`) takes two slots: the second holds the upper 32 bits in its imm, all else zero.

export type Reg = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
/** r10 is the read-only frame pointer; the stack is the 512 bytes below it. */
export const R10: Reg = 10;

// Instruction classes (low 3 bits of the opcode).
const LD = 0x00;
const LDX = 0x01;
const ST = 0x02;
const STX = 0x03;
const JMP = 0x05;
const ALU64 = 0x07;
// Size of a memory access (bits 3-4): word (4 bytes), double word (8).
const W = 0x00;
const DW = 0x18;
// Mode of a memory access (bits 5-7): immediate (lddw), or memory at reg + off.
const IMM = 0x00;
const MEM = 0x60;
// Source of the second operand (bit 3): the imm field (K) or src_reg (X).
const K = 0x00;
const X = 0x08;
// ALU operations (bits 4-7).
const ADD = 0x00;
const AND = 0x50;
const RSH = 0x70;
const XOR = 0xa0;
const MOV = 0xb0;
// Jump operations (bits 4-7).
const JEQ = 0x10;
const JNE = 0x50;
const CALL = 0x80;
const EXIT = 0x90;

/** `src_reg` of an lddw whose imm is a map's file descriptor: the verifier turns it into the map's address. */
export const PSEUDO_MAP_FD = 1;

/** Helper function numbers (include/uapi/linux/bpf.h, `__BPF_FUNC_MAPPER`). */
export const HELPER_MAP_LOOKUP_ELEM = 1;

export interface Insn {
  opcode: number;
  dst: Reg;
  src: number;
  off: number;
  imm: number;
}

const insn = (opcode: number, dst: Reg, src: number, off: number, imm: number): Insn => ({ opcode, dst, src, off, imm });

/** dst = imm (sign-extended to 64 bits). */
export const movImm = (dst: Reg, imm: number) => insn(ALU64 | MOV | K, dst, 0, 0, imm);
/** dst = src. */
export const movReg = (dst: Reg, src: Reg) => insn(ALU64 | MOV | X, dst, src, 0, 0);
/** dst += imm. */
export const addImm = (dst: Reg, imm: number) => insn(ALU64 | ADD | K, dst, 0, 0, imm);
/** dst &= imm. */
export const andImm = (dst: Reg, imm: number) => insn(ALU64 | AND | K, dst, 0, 0, imm);
/** dst &= src. */
export const andReg = (dst: Reg, src: Reg) => insn(ALU64 | AND | X, dst, src, 0, 0);
/** dst ^= imm. */
export const xorImm = (dst: Reg, imm: number) => insn(ALU64 | XOR | K, dst, 0, 0, imm);
/** dst >>= imm (logical). */
export const rshImm = (dst: Reg, imm: number) => insn(ALU64 | RSH | K, dst, 0, 0, imm);
/** dst = *(u32 *)(src + off). */
export const ldxW = (dst: Reg, src: Reg, off: number) => insn(LDX | MEM | W, dst, src, off, 0);
/** *(u32 *)(dst + off) = src. */
export const stxW = (dst: Reg, off: number, src: Reg) => insn(STX | MEM | W, dst, src, off, 0);
/** *(u32 *)(dst + off) = imm. */
export const stW = (dst: Reg, off: number, imm: number) => insn(ST | MEM | W, dst, 0, off, imm);
/** if dst == imm, skip `off` instructions. */
export const jeqImm = (dst: Reg, imm: number, off: number) => insn(JMP | JEQ | K, dst, 0, off, imm);
/** if dst != imm, skip `off` instructions. */
export const jneImm = (dst: Reg, imm: number, off: number) => insn(JMP | JNE | K, dst, 0, off, imm);
/** r0 = helper(r1, ..., r5). */
export const call = (helper: number) => insn(JMP | CALL, 0, 0, 0, helper);
/** return r0. */
export const exit = () => insn(JMP | EXIT, 0, 0, 0, 0);
/** dst = the map whose fd is `fd` (two slots: an lddw with src_reg PSEUDO_MAP_FD). */
export const ldMapFd = (dst: Reg, fd: number): Insn[] => [insn(LD | IMM | DW, dst, PSEUDO_MAP_FD, 0, fd), insn(0, 0, 0, 0, 0)];

/** The bytes the kernel reads: 8 per instruction. */
export function encode(program: readonly Insn[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((i, n) => {
    const at = n * 8;
    out.writeUInt8(i.opcode, at);
    out.writeUInt8(((i.src & 0xf) << 4) | (i.dst & 0xf), at + 1);
    out.writeInt16LE(i.off, at + 2);
    out.writeInt32LE(i.imm, at + 4);
  });
  return out;
}
