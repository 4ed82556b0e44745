import { describe, expect, it } from 'vitest';
import {
  ATTR_SIZE,
  attachAttr,
  elemAttr,
  idAttr,
  infoAttr,
  mapCreateAttr,
  parseMapInfo,
  parseProgInfo,
  progLoadAttr,
  queryAttr,
  queryCount,
} from './attr';

/** The attr's bytes up to `n`, as hex, and a check that the rest is zero (the kernel refuses non-zero tails). */
function head(a: Buffer, n: number): string {
  expect(a.length).toBe(ATTR_SIZE);
  expect(a.subarray(n).every((b) => b === 0)).toBe(true);
  return a.subarray(0, n).toString('hex');
}

describe('bpf_attr layouts (offsets from include/uapi/linux/bpf.h)', () => {
  it('BPF_MAP_CREATE: type, key size, value size, max entries, flags, inner fd, numa node, name @28', () => {
    const a = mapCreateAttr({ mapType: 1, keySize: 12, valueSize: 4, maxEntries: 1024, name: 'cgvirt_dev_acl' });
    expect(head(a, 44)).toBe(
      '01000000' + '0c000000' + '04000000' + '00040000' + '00000000' + '00000000' + '00000000' + Buffer.from('cgvirt_dev_acl\0\0').toString('hex'),
    );
  });

  it('map element commands: fd @0, key @8, value @16, flags @24', () => {
    const a = elemAttr(5, 0x1122334455667788n, 0x99aabbccddeeff00n, 2);
    expect(head(a, 32)).toBe('05000000' + '00000000' + '8877665544332211' + '00ffeeddccbbaa99' + '0200000000000000');
  });

  it('BPF_PROG_LOAD: type, insn count, insns @8, license @16, log level/size @24, log buf @32, name @48', () => {
    const a = progLoadAttr({
      progType: 15,
      insnCnt: 33,
      insns: 0x1000n,
      license: 0x2000n,
      logLevel: 1,
      logSize: 65536,
      logBuf: 0x3000n,
      name: 'cgvirt_dev',
    });
    expect(head(a, 64)).toBe(
      '0f000000' +
        '21000000' +
        '0010000000000000' +
        '0020000000000000' +
        '01000000' +
        '00000100' +
        '0030000000000000' +
        '00000000' + // kern_version
        '00000000' + // prog_flags
        Buffer.from('cgvirt_dev\0\0\0\0\0\0').toString('hex'),
    );
  });

  it('refuses a name the kernel would refuse', () => {
    expect(() => mapCreateAttr({ mapType: 1, keySize: 1, valueSize: 1, maxEntries: 1, name: 'no-dashes' })).toThrow(/name/);
    expect(() => mapCreateAttr({ mapType: 1, keySize: 1, valueSize: 1, maxEntries: 1, name: 'sixteen_chars_xx' })).toThrow(/name/);
  });

  it('BPF_PROG_ATTACH: target fd, prog fd, attach type 6, BPF_F_ALLOW_MULTI', () => {
    expect(head(attachAttr(9, 11, 6, 2), 16)).toBe('09000000' + '0b000000' + '06000000' + '02000000');
  });

  it('GET_FD_BY_ID: the id @0', () => {
    expect(head(idAttr(0x1234), 4)).toBe('34120000');
  });

  it('BPF_OBJ_GET_INFO_BY_FD: fd @0, info_len @4, info @8', () => {
    expect(head(infoAttr(3, 232, 0xabcdn), 16)).toBe('03000000' + 'e8000000' + 'cdab000000000000');
  });

  it('BPF_PROG_QUERY: target fd, attach type, flags, attach flags, prog_ids @16, prog_cnt @24 (read back)', () => {
    const a = queryAttr(4, 6, 0x5000n, 8);
    expect(head(a, 28)).toBe('04000000' + '06000000' + '00000000' + '00000000' + '0050000000000000' + '08000000');
    a.writeUInt32LE(1, 24);
    expect(queryCount(a)).toBe(1);
  });

  it('reads bpf_prog_info (type, id, nr_map_ids @52, name @64) and bpf_map_info (sizes, name @24)', () => {
    const p = Buffer.alloc(232);
    p.writeUInt32LE(15, 0);
    p.writeUInt32LE(77, 4);
    p.writeUInt32LE(1, 52);
    p.write('cgvirt_dev', 64);
    expect(parseProgInfo(p)).toEqual({ type: 15, id: 77, nrMapIds: 1, name: 'cgvirt_dev' });
    const m = Buffer.alloc(88);
    [1, 78, 12, 4, 1024].forEach((v, i) => m.writeUInt32LE(v, i * 4));
    m.write('cgvirt_dev_acl', 24);
    expect(parseMapInfo(m)).toEqual({ type: 1, id: 78, keySize: 12, valueSize: 4, maxEntries: 1024, name: 'cgvirt_dev_acl' });
  });
});
