import { describe, expect, it } from 'vitest';
import { checkPartition, guestDirName, guestGroupPath, guestNameFromDir, guestOfGroupPath } from './naming';

const refused = (name: string) => {
  try {
    guestDirName(name);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error(`'${name}' was accepted`);
};

describe('guest names → group directories', () => {
  it.each([
    ['', 'it is empty'],
    ['.', "'.' names a directory"],
    ['..', "'..' names a directory"],
    ['a/b', "contains '/'"],
    ['../../etc', "contains '/'"],
    ['nul\u0000byte', 'contains NUL'],
    ['tab\there', 'control character'],
    ['bell\u0007', 'control character'],
    ['c1\u0085', 'control character'],
    ['x'.repeat(65), 'is 65 bytes long'],
    ['é'.repeat(33), 'is 66 bytes long'],
  ])('refuses %j: %s, saying what is allowed', (name, why) => {
    const e = refused(name);
    expect(e.code).toBe('INVALID_ARG');
    expect(e.message).toContain(why);
    expect(e.message).toContain('1 to 64 bytes of UTF-8');
  });

  it('accepts 64 bytes exactly, and non-ASCII names as they are', () => {
    expect(guestDirName('x'.repeat(64))).toBe('x'.repeat(64));
    expect(guestDirName('é'.repeat(32))).toBe('é'.repeat(32));
    expect(guestDirName('日本語のゲスト')).toBe('日本語のゲスト');
    expect(guestDirName('web server, v2')).toBe('web server, v2');
  });

  it.each([
    ['tasks', '_tasks'],
    ['cpu.shares', '_cpu.shares'],
    ['memory.limit_in_bytes', '_memory.limit_in_bytes'],
    ['cgroup.procs', '_cgroup.procs'],
    ['notify_on_release', '_notify_on_release'],
    ['release_agent', '_release_agent'],
    ['_x', '__x'],
    ['.hidden', '_.hidden'],
  ])('escapes %j as %j (libvirt’s rule)', (name, dir) => {
    expect(guestDirName(name)).toBe(dir);
    expect(guestNameFromDir(dir)).toBe(name);
  });

  it('does not escape names that merely contain a controller word', () => {
    expect(guestDirName('cpu')).toBe('cpu');
    expect(guestDirName('cpufarm.local')).toBe('cpufarm.local');
    expect(guestDirName('web.1')).toBe('web.1');
  });

  it('builds partition → driver → guest paths and reads them back', () => {
    expect(guestGroupPath('/cgvirt', 'web')).toBe('/cgvirt/qemu/web');
    expect(guestGroupPath('/cgvirt', 'tasks')).toBe('/cgvirt/qemu/_tasks');
    expect(guestOfGroupPath('/cgvirt', '/cgvirt/qemu/_tasks')).toBe('tasks');
    expect(guestOfGroupPath('/cgvirt', '/cgvirt/qemu')).toBeNull();
    expect(guestOfGroupPath('/cgvirt', '/cgvirt/qemu/a/b')).toBeNull();
    expect(guestOfGroupPath('/cgvirt', '/other/qemu/a')).toBeNull();
  });

  it('never yields a path outside the partition, whatever the input', () => {
    const hostile = ['..', '../x', '/', 'a/../../b', '.', '\u0000', 'x'.repeat(500)];
    for (const name of hostile) expect(() => guestGroupPath('/cgvirt', name)).toThrow(/not allowed/);
  });
});

describe('partitions', () => {
  it('accepts plain absolute paths', () => {
    expect(checkPartition()).toBe('/cgvirt');
    expect(checkPartition('/machine/cgvirt')).toBe('/machine/cgvirt');
    expect(checkPartition('/cgvirt-test-12-ab')).toBe('/cgvirt-test-12-ab');
  });
  it.each(['cgvirt', '/', '/a/../b', '/a//b', '/tasks', '/cpu.shares', '/.x', '/a b'])('refuses %j', (p) => {
    expect(() => checkPartition(p)).toThrow(/cgroup partition .* is not allowed/);
  });
});
