// The cgroup v2 device filter in the real kernel: this host's cgroup2 tree (the unified mount of a hybrid host, which
// has no controllers but runs device programs), a unique test partition there (removed afterwards, also when a test
// fails), and real child processes placed in the guest group opening real device nodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnHost } from '../../../../testing/describe-on-host';
import { cgroup2Mount } from '../../../../testing/host';
import { newTestPartition, partitionLeftovers, removeTestPartition, sweepDeadTestPartitions } from '../../../../testing/partition';
import { isCgvirtError } from '../../../../shared';
import { ruleForPath } from '../acl';
import { detectCgroups } from '../detect';
import { CgroupHierarchy } from '../hierarchy';
import { attachAttr, ATTACH_CGROUP_DEVICE, F_ALLOW_MULTI, PROG_TYPE_CGROUP_DEVICE, progLoadAttr, idAttr } from './attr';
import { DeviceFilter, DeviceFilterError } from './device-filter';
import { BpfDeviceFilters } from '../v2-devices';
import { encode, exit, movImm } from './insns';
import { addressOf, bpf, BpfError, closeFd } from './syscall';

const partition = newTestPartition();
const children: ChildProcess[] = [];

/** A v2-only view of this host: its cgroup2 mount alone, the device filter probed as working (the suite needs it). */
function v2Hierarchy(): CgroupHierarchy {
  const line = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => / - cgroup2 /.test(l))!;
  const detection = detectCgroups({
    mountinfo: `${line}\n`,
    procCgroup: readFileSync('/proc/self/cgroup', 'utf8'),
    uid: 0,
    v2Controllers: [],
    v2Delegated: false,
    v2DeviceFilter: null,
  });
  return new CgroupHierarchy(detection, { partition });
}

/** A child that opens `<r|w> <path>` lines for reading or writing and answers `ok` or the errno. */
function opener() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('fs'); console.log('ready');
       require('readline').createInterface({ input: process.stdin }).on('line', (l) => {
         const [mode, p] = l.split(' ');
         try { fs.closeSync(fs.openSync(p, mode === 'w' ? 'w' : 'r')); console.log('ok'); } catch (e) { console.log(e.code); }
       });`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = next();
  return {
    pid: child.pid!,
    ready,
    open: (mode: 'r' | 'w', path: string) => {
      const answer = next();
      child.stdin.write(`${mode} ${path}\n`);
      return answer;
    },
  };
}

describeOnHost(['root', 'cgroup2DeviceFilter'], 'the cgroup v2 device filter in the real kernel', () => {
  let h: CgroupHierarchy;
  const mount = cgroup2Mount()!;
  const dirOf = (guest: string) => join(mount, h.guest(guest).path);

  beforeAll(async () => {
    await sweepDeadTestPartitions();
    h = v2Hierarchy();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
    await Promise.all(children.filter((c) => !exited(c)).map((c) => new Promise((r) => c.once('exit', r))));
    await removeTestPartition(partition);
    expect(partitionLeftovers(partition)).toEqual([]);
  });

  describe('a guest group with the filter', () => {
    let child: ReturnType<typeof opener>;

    beforeAll(async () => {
      const g = await h.createGuest('web');
      g.setAcl([ruleForPath('/dev/null', 'rw'), ruleForPath('/dev/zero', 'r')]);
      child = opener();
      await child.ready;
      g.addProcess(child.pid);
      expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).toContain(`0::${g.path}\n`);
    });

    it('allows exactly the ACL: /dev/null rw, /dev/zero r only, nothing else', async () => {
      expect(await child.open('r', '/dev/null')).toBe('ok');
      expect(await child.open('w', '/dev/null')).toBe('ok');
      expect(await child.open('r', '/dev/zero')).toBe('ok');
      expect(await child.open('w', '/dev/zero')).toBe('EPERM');
      expect(await child.open('r', '/dev/urandom')).toBe('EPERM');
    });

    it('shows what the kernel holds', () => {
      expect(h.guest('web').acl()).toEqual(
        expect.arrayContaining([
          { type: 'c', major: 1, minor: 3, access: 'rw' },
          { type: 'c', major: 1, minor: 5, access: 'r' },
        ]),
      );
      expect(h.guest('web').acl()).toHaveLength(2);
    });

    it('a live allow and a live deny take effect at the next open, without a new program', async () => {
      const before = DeviceFilter.find(dirOf('web'))!;
      before.close();
      h.guest('web').allowPath('/dev/urandom', 'r');
      expect(await child.open('r', '/dev/urandom')).toBe('ok');
      h.guest('web').deny(ruleForPath('/dev/null', 'rw'));
      expect(await child.open('r', '/dev/null')).toBe('EPERM');
      expect(await child.open('w', '/dev/null')).toBe('EPERM');
      const after = DeviceFilter.find(dirOf('web'))!;
      after.close();
      expect(after.progId).toBe(before.progId);
    });

    it('a deny of part of an entry keeps the rest (as devices.deny does on v1)', async () => {
      h.guest('web').allowPath('/dev/full', 'rw');
      h.guest('web').deny({ ...ruleForPath('/dev/full'), access: 'w' });
      expect(await child.open('r', '/dev/full')).toBe('ok');
      expect(await child.open('w', '/dev/full')).toBe('EPERM');
    });

    it('a minor wildcard covers every minor of the major', async () => {
      h.guest('web').allowMajor('c', 1, 'r'); // /dev/mem, null, zero, full, random, urandom, ...
      expect(await child.open('r', '/dev/null')).toBe('ok');
      expect(await child.open('w', '/dev/null')).toBe('EPERM');
      h.guest('web').deny({ type: 'c', major: 1, minor: '*', access: 'r' });
      expect(await child.open('r', '/dev/null')).toBe('EPERM');
    });

    it('a restarted engine (a fresh hierarchy) finds the program and map again and manages them', async () => {
      const restarted = v2Hierarchy();
      expect(restarted.guest('web').acl()).toEqual(h.guest('web').acl());
      restarted.guest('web').allowPath('/dev/null', 'rw');
      expect(await child.open('w', '/dev/null')).toBe('ok');
      expect(h.guest('web').acl()).toContainEqual({ type: 'c', major: 1, minor: 3, access: 'rw' });
      await restarted.guest('web').remove({ kill: true, graceMs: 0 }); // also lets go of its fds
      expect(restarted.guest('web').exists()).toBe(false);
    });
  });

  it('refuses a group whose device program is not ours, with a typed error', async () => {
    const g = await h.createGuest('other');
    // Someone else's program: allows everything, named otherwise.
    const insns = encode([movImm(0, 1), exit()]);
    const license = Buffer.from('MIT\0');
    const progFd = bpf(
      'PROG_LOAD',
      progLoadAttr({
        progType: PROG_TYPE_CGROUP_DEVICE,
        insnCnt: 2,
        insns: addressOf(insns),
        license: addressOf(license),
        logLevel: 0,
        logSize: 0,
        logBuf: 0n,
        name: 'not_ours',
      }),
    );
    const dirFd = openSync(dirOf('other'), constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      bpf('PROG_ATTACH', attachAttr(dirFd, progFd, ATTACH_CGROUP_DEVICE, F_ALLOW_MULTI));
    } finally {
      closeFd(dirFd);
      closeFd(progFd);
    }
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      throw new Error('not refused');
    };
    for (const e of [refused(() => g.acl()), refused(() => g.setAcl([])), refused(() => g.allowPath('/dev/null'))]) {
      expect(e).toBeInstanceOf(DeviceFilterError);
      expect(isCgvirtError(e)).toBe(true);
      expect((e as DeviceFilterError).problem).toBe('foreign-program');
      expect((e as Error).message).toMatch(/device program cgvirt did not make/);
    }
    await g.remove();
  });

  it('a full map is a clear error', async () => {
    await h.createGuest('small');
    const filters = new BpfDeviceFilters(2);
    filters.denyAll(dirOf('small'));
    filters.allow(dirOf('small'), ruleForPath('/dev/null'));
    filters.allow(dirOf('small'), ruleForPath('/dev/zero'));
    filters.allow(dirOf('small'), ruleForPath('/dev/zero', 'r')); // an existing entry: no new room needed
    expect(() => filters.allow(dirOf('small'), ruleForPath('/dev/full'))).toThrow(/device filter is full \(2 nodes\)/);
    filters.release(dirOf('small'));
    await h.guest('small').remove();
  });

  it('a group without a filter is refused for a live change (never a filter with one entry)', async () => {
    const g = await h.createGuest('bare');
    expect(() => g.allowPath('/dev/null')).toThrow(/has no device filter attached/);
    await g.remove();
  });

  it('removing the group takes its program with it', async () => {
    const g = await h.createGuest('gone');
    g.setAcl([ruleForPath('/dev/null')]);
    const f = DeviceFilter.find(dirOf('gone'))!;
    f.close();
    await g.remove();
    const deadline = Date.now() + 10_000;
    let errno = '';
    while (Date.now() < deadline) {
      try {
        closeFd(bpf('PROG_GET_FD_BY_ID', idAttr(f.progId)));
      } catch (e) {
        errno = (e as BpfError).errno;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(errno).toBe('ENOENT');
  });
});
