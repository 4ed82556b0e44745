// The initramfs builder's two pure parts: the newc cpio writer (read back by a parser written here from the format's
// description, not from the writer) and the NIC module plan over a fake /lib/modules tree. The real image, read by GNU
// cpio and booted by QEMU, is testing/busybox-guest.int.test.ts.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NEWC_HEADER_BYTES, newcArchive, nicModuleOrder, type CpioEntry } from './initramfs';
import type { LinuxKernel } from './real-os';

interface Parsed {
  offset: number;
  ino: number;
  mode: number;
  nlink: number;
  mtime: number;
  rdev: [number, number];
  name: string;
  data: Buffer;
}

/** newc, from buffer-format.rst: "070701", 13 × 8 hex digits, name + NUL, pad to 4, data, pad to 4; up to TRAILER!!!. */
function parseNewc(b: Buffer): Parsed[] {
  const out: Parsed[] = [];
  let at = 0;
  for (;;) {
    const head = b.subarray(at, at + NEWC_HEADER_BYTES).toString('latin1');
    if (!/^070701[0-9a-f]{104}$/.test(head)) throw new Error(`bad header at ${at}: ${JSON.stringify(head)}`);
    const f = (i: number) => parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
    const [namesize, filesize] = [f(11), f(6)];
    const nameEnd = at + NEWC_HEADER_BYTES + namesize;
    if (b[nameEnd - 1] !== 0) throw new Error(`name at ${at} is not NUL-terminated`);
    const name = b.subarray(at + NEWC_HEADER_BYTES, nameEnd - 1).toString('utf8');
    const dataAt = Math.ceil(nameEnd / 4) * 4;
    for (let i = nameEnd; i < dataAt; i++) if (b[i] !== 0) throw new Error(`padding after ${name} is not zero`);
    if (name === 'TRAILER!!!') {
      if (dataAt !== b.length) throw new Error(`${b.length - dataAt} bytes after the trailer`);
      return out;
    }
    out.push({ offset: at, ino: f(0), mode: f(1), nlink: f(4), mtime: f(5), rdev: [f(9), f(10)], name, data: b.subarray(dataAt, dataAt + filesize) });
    at = Math.ceil((dataAt + filesize) / 4) * 4;
    if (at > b.length) throw new Error(`${name} runs past the end`);
  }
}

describe('newcArchive', () => {
  it('writes exactly the bytes of the format for a directory and the trailer', () => {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const record = (ino: number, mode: number, nlink: number, name: string, pad: number) =>
      '070701' + [ino, mode, 0, 0, nlink, 0, 0, 0, 0, 0, 0, name.length + 1, 0].map(hex).join('') + name + '\0' + '\0'.repeat(pad);
    // 110 + "a\0" = 112 (aligned); 110 + "TRAILER!!!\0" = 121, padded to 124.
    const expected = record(1, 0o40755, 2, 'a', 0) + record(0, 0, 1, 'TRAILER!!!', 3);
    expect(newcArchive([{ type: 'dir', path: '/a' }]).toString('latin1')).toBe(expected);
  });

  it('reads back every kind of entry, each record 4-byte aligned, with unique inodes', () => {
    const entries: CpioEntry[] = [
      { type: 'dir', path: '/bin' },
      { type: 'dir', path: 'dev', mode: 0o700 },
      { type: 'char', path: 'dev/console', major: 5, minor: 1 },
      { type: 'file', path: 'bin/tool', data: Buffer.from([1, 2, 3, 4, 5]), mode: 0o755 },
      { type: 'symlink', path: 'bin/sh', target: 'tool' },
      { type: 'file', path: 'empty', data: '' },
      { type: 'file', path: 'init', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
    ];
    const archive = newcArchive(entries, 1234);
    const parsed = parseNewc(archive);
    expect(archive.length % 4).toBe(0);
    expect(parsed.map((p) => p.offset % 4)).toEqual(parsed.map(() => 0));
    expect(new Set(parsed.map((p) => p.ino)).size).toBe(entries.length);
    expect(parsed.map((p) => [p.name, p.mode.toString(8), p.nlink, p.mtime])).toEqual([
      ['bin', '40755', 2, 1234],
      ['dev', '40700', 2, 1234],
      ['dev/console', '20600', 1, 1234],
      ['bin/tool', '100755', 1, 1234],
      ['bin/sh', '120777', 1, 1234],
      ['empty', '100644', 1, 1234],
      ['init', '100755', 1, 1234],
    ]);
    expect(parsed[2]!.rdev).toEqual([5, 1]);
    expect([...parsed[3]!.data]).toEqual([1, 2, 3, 4, 5]);
    expect(parsed[4]!.data.toString()).toBe('tool');
    expect(parsed[5]!.data.length).toBe(0);
    expect(parsed[6]!.data.toString()).toBe('#!/bin/sh\necho hi\n');
  });

  it('refuses an entry before its directory, a name twice, and a path leaving the root', () => {
    expect(() => newcArchive([{ type: 'file', path: 'bin/sh', data: '' }])).toThrow(/before its directory bin/);
    expect(() =>
      newcArchive([
        { type: 'file', path: 'bin', data: '' },
        { type: 'file', path: 'bin/sh', data: '' },
      ]),
    ).toThrow(/before its directory/);
    expect(() =>
      newcArchive([
        { type: 'dir', path: 'a' },
        { type: 'dir', path: '/a/' },
      ]),
    ).toThrow(/a twice/);
    expect(() => newcArchive([{ type: 'file', path: '../etc/passwd', data: '' }])).toThrow(/bad path/);
  });
});

describe('nicModuleOrder', () => {
  let dir: string;
  const kernel = (config: string | null): LinuxKernel => ({ version: '9.9.9-test', vmlinuz: join(dir, 'vmlinuz'), modulesDir: dir, config });
  // The shape of Debian 12's modules.dep for these drivers (every dependency listed, not only direct ones).
  const modulesDep = [
    'kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko.xz kernel/net/core/failover.ko.xz kernel/drivers/virtio/virtio.ko.xz',
    'kernel/drivers/net/net_failover.ko.xz: kernel/net/core/failover.ko.xz',
    'kernel/net/core/failover.ko.xz:',
    'kernel/drivers/virtio/virtio-pci.ko.xz: kernel/drivers/virtio/virtio_pci-modern-dev.ko.xz kernel/drivers/virtio/virtio.ko.xz',
    'kernel/drivers/virtio/virtio_pci-modern-dev.ko.xz:',
    'kernel/drivers/virtio/virtio.ko.xz:',
    'kernel/drivers/net/ethernet/intel/e1000/e1000.ko.xz:',
    '',
  ].join('\n');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cgvirt-modules-'));
    mkdirSync(join(dir, 'kernel'));
    writeFileSync(join(dir, 'modules.dep'), modulesDep);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every module after the ones it needs, each once, skipping what the config builds in', () => {
    writeFileSync(join(dir, 'config'), 'CONFIG_VIRTIO_PCI=y\nCONFIG_VIRTIO_NET=m\n# CONFIG_E1000_HW is not set\nCONFIG_E1000=m\n');
    expect(nicModuleOrder(kernel(join(dir, 'config')))).toEqual([
      'kernel/net/core/failover.ko.xz',
      'kernel/drivers/net/net_failover.ko.xz',
      'kernel/drivers/virtio/virtio.ko.xz',
      'kernel/drivers/net/virtio_net.ko.xz',
      'kernel/drivers/net/ethernet/intel/e1000/e1000.ko.xz',
    ]);
  });

  it('loads the virtio PCI transport when it is a module (names with - and _ alike)', () => {
    writeFileSync(join(dir, 'config'), 'CONFIG_VIRTIO_PCI=m\nCONFIG_VIRTIO_NET=y\nCONFIG_E1000=y\n');
    expect(nicModuleOrder(kernel(join(dir, 'config')))).toEqual([
      'kernel/drivers/virtio/virtio_pci-modern-dev.ko.xz',
      'kernel/drivers/virtio/virtio.ko.xz',
      'kernel/drivers/virtio/virtio-pci.ko.xz',
    ]);
  });

  it('without a config, takes modules.builtin for what is built in', () => {
    writeFileSync(join(dir, 'modules.builtin'), 'kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/net/virtio_net.ko\n');
    expect(nicModuleOrder(kernel(null))).toEqual(['kernel/drivers/net/ethernet/intel/e1000/e1000.ko.xz']);
  });

  it('names the option a kernel lacks, and a module missing from modules.dep', () => {
    writeFileSync(join(dir, 'config'), 'CONFIG_VIRTIO_PCI=y\nCONFIG_VIRTIO_NET=y\n# CONFIG_E1000 is not set\n');
    expect(() => nicModuleOrder(kernel(join(dir, 'config')))).toThrow(/no CONFIG_E1000/);
    writeFileSync(join(dir, 'config'), 'CONFIG_VIRTIO_PCI=y\nCONFIG_VIRTIO_NET=y\nCONFIG_E1000=m\n');
    writeFileSync(join(dir, 'modules.dep'), modulesDep.replace(/^kernel\/drivers\/net\/ethernet.*\n/m, ''));
    expect(() => nicModuleOrder(kernel(join(dir, 'config')))).toThrow(/modules.dep has no e1000/);
  });
});
