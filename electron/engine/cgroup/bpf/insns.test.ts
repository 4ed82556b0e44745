import { describe, expect, it } from 'vitest';
import { addImm, andImm, andReg, call, encode, exit, jneImm, ldMapFd, ldxW, movImm, movReg, R10, rshImm, stW, stxW, xorImm } from './insns';

const hex = (b: Buffer) => b.toString('hex');

describe('eBPF instruction encoder', () => {
  // Expected bytes written out by hand from the instruction-set document: opcode, src<<4|dst, off (le16), imm (le32).
  it.each([
    ['mov r0, 1', movImm(0, 1), 'b700000001000000'],
    ['mov r0, 0', movImm(0, 0), 'b700000000000000'],
    ['mov r6, r1', movReg(6, 1), 'bf16000000000000'],
    ['r2 += -16', addImm(2, -16), '07020000f0ffffff'],
    ['r8 &= 0xffff', andImm(8, 0xffff), '57080000ffff0000'],
    ['r1 &= r7', andReg(1, 7), '5f71000000000000'],
    ['r1 ^= -1', xorImm(1, -1), 'a7010000ffffffff'],
    ['r7 >>= 16', rshImm(7, 16), '7707000010000000'],
    ['r7 = *(u32 *)(r6 + 0)', ldxW(7, 6, 0), '6167000000000000'],
    ['r0 = *(u32 *)(r6 + 8)', ldxW(0, 6, 8), '6160080000000000'],
    ['*(u32 *)(r10 - 16) = r8', stxW(R10, -16, 8), '638af0ff00000000'],
    ['*(u32 *)(r10 - 8) = -1', stW(R10, -8, -1), '620af8ffffffffff'],
    ['if r0 != 0 goto +5', jneImm(0, 0, 5), '5500050000000000'],
    ['call 1 (map_lookup_elem)', call(1), '8500000001000000'],
    ['exit', exit(), '9500000000000000'],
  ])('%s', (_name, insn, bytes) => {
    expect(hex(encode([insn]))).toBe(bytes);
  });

  it('a map fd load is two slots with src_reg 1 (BPF_PSEUDO_MAP_FD)', () => {
    expect(hex(encode(ldMapFd(1, 7)))).toBe('1811000007000000' + '0000000000000000');
  });
});
