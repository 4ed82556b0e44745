// FAKE cgroup v2 kernel, for tests only: this host's cgroup2 mount has no controllers, so the v2 backend is tested on a
// temporary directory tree whose writes follow the kernel's rules (Documentation/admin-guide/cgroup-v2.rst):
// controller files appear only where the parent enabled the controller; `+c` needs `c` in cgroup.controllers; a
// non-root group with processes cannot enable controllers for children, nor take processes once it has (EBUSY);
// rmdir of a group with children or processes is EBUSY; values out of range are ERANGE/EINVAL.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseCpuList as expand } from '../electron/engine/cgroup/cpulist';
import type { CgroupFs } from '../electron/engine/cgroup/fs';

const errno = (code: string, path: string) => Object.assign(new Error(`${code}: fake cgroup2 refused ${path}`), { code });

const CONTROLLER_FILES: Record<string, Record<string, string>> = {
  cpu: { 'cpu.weight': '100', 'cpu.max': 'max 100000' },
  memory: { 'memory.max': 'max', 'memory.current': '0' },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '' },
  io: { 'io.weight': 'default 100' },
  pids: { 'pids.max': 'max' },
};

export class FakeCgroup2 implements CgroupFs {
  readonly root: string;

  constructor(
    controllers = ['cpuset', 'cpu', 'io', 'memory', 'pids'],
    readonly cpus = '0-3',
  ) {
    this.root = mkdtempSync(join(tmpdir(), 'cgvirt-fake-cgroup2-'));
    writeFileSync(join(this.root, 'cgroup.controllers'), controllers.join(' '));
    writeFileSync(join(this.root, 'cgroup.subtree_control'), '');
    writeFileSync(join(this.root, 'cgroup.procs'), '');
    writeFileSync(join(this.root, 'cpu.stat'), 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n');
    writeFileSync(join(this.root, 'cpuset.cpus.effective'), cpus);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Puts a process into a group as the kernel would at fork (tests use it to set up "someone else is here"). */
  place(group: string, pid: number): void {
    this.write(join(this.root, group, 'cgroup.procs'), String(pid));
  }

  private isRoot(dir: string) {
    return relative(this.root, dir) === '';
  }
  private list(file: string): string[] {
    return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean);
  }
  private groupDirs(dir = this.root): string[] {
    return [
      dir,
      ...readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => this.groupDirs(join(dir, e.name))),
    ];
  }

  read(path: string): string {
    return readFileSync(path, 'utf8');
  }
  exists(path: string): boolean {
    return existsSync(path);
  }
  children(path: string): string[] {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  }

  mkdir(dir: string): void {
    if (existsSync(dir)) throw errno('EEXIST', dir);
    const parent = dirname(dir);
    if (!existsSync(join(parent, 'cgroup.procs'))) throw errno('ENOENT', dir);
    mkdirSync(dir);
    const enabled = this.list(join(parent, 'cgroup.subtree_control'));
    writeFileSync(join(dir, 'cgroup.controllers'), enabled.join(' '));
    writeFileSync(join(dir, 'cgroup.subtree_control'), '');
    writeFileSync(join(dir, 'cgroup.procs'), '');
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n');
    for (const c of enabled) this.addControllerFiles(dir, c);
  }

  private addControllerFiles(dir: string, controller: string) {
    for (const [file, value] of Object.entries(CONTROLLER_FILES[controller] ?? {})) writeFileSync(join(dir, file), value);
    if (controller === 'cpuset') writeFileSync(join(dir, 'cpuset.cpus.effective'), readFileSync(join(dirname(dir), 'cpuset.cpus.effective'), 'utf8'));
  }

  rmdir(dir: string): void {
    if (!existsSync(dir)) throw errno('ENOENT', dir);
    if (this.children(dir).length || this.list(join(dir, 'cgroup.procs')).length) throw errno('EBUSY', dir);
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
    rmdirSync(dir);
  }

  write(path: string, data: string): void {
    if (!existsSync(path)) throw errno('ENOENT', path);
    const dir = dirname(path);
    const file = path.slice(dir.length + 1);
    switch (file) {
      case 'cgroup.subtree_control':
        return this.writeSubtreeControl(dir, data);
      case 'cgroup.procs':
        return this.writeProcs(dir, data);
      case 'cpu.weight': {
        const w = Number(data);
        if (!Number.isInteger(w)) throw errno('EINVAL', path);
        if (w < 1 || w > 10000) throw errno('ERANGE', path);
        return writeFileSync(path, String(w));
      }
      case 'cpu.max':
        if (!/^(max|\d+)( \d+)?$/.test(data.trim())) throw errno('EINVAL', path);
        return writeFileSync(path, data.trim());
      case 'memory.max':
        if (!/^(max|\d+)$/.test(data.trim())) throw errno('EINVAL', path);
        return writeFileSync(path, data.trim());
      case 'cpuset.cpus': {
        const allowed = new Set(expand(readFileSync(join(dirname(dir), 'cpuset.cpus.effective'), 'utf8')));
        const wanted = expand(data);
        if (wanted.some((c) => !allowed.has(c))) throw errno('EINVAL', path);
        writeFileSync(path, data.trim());
        return writeFileSync(join(dir, 'cpuset.cpus.effective'), data.trim());
      }
      default:
        throw errno('EACCES', path); // read-only interface file
    }
  }

  private writeSubtreeControl(dir: string, data: string) {
    const offered = this.list(join(dir, 'cgroup.controllers'));
    const enabled = new Set(this.list(join(dir, 'cgroup.subtree_control')));
    const ops = data.split(/\s+/).filter(Boolean);
    for (const op of ops) {
      if (!/^[+-]\w+$/.test(op)) throw errno('EINVAL', dir);
      if (!offered.includes(op.slice(1))) throw errno('ENOENT', dir);
    }
    const enabling = ops.some((op) => op.startsWith('+') && !enabled.has(op.slice(1)));
    if (enabling && !this.isRoot(dir) && this.list(join(dir, 'cgroup.procs')).length) throw errno('EBUSY', dir);
    for (const op of ops) {
      const c = op.slice(1);
      if (op.startsWith('+') && !enabled.has(c)) {
        enabled.add(c);
        for (const child of this.children(dir)) {
          const childDir = join(dir, child);
          writeFileSync(join(childDir, 'cgroup.controllers'), [...this.list(join(childDir, 'cgroup.controllers')), c].join(' '));
          this.addControllerFiles(childDir, c);
        }
      } else if (op.startsWith('-')) enabled.delete(c);
    }
    writeFileSync(join(dir, 'cgroup.subtree_control'), [...enabled].join(' '));
  }

  private writeProcs(dir: string, data: string) {
    const pid = Number(data.trim());
    if (!Number.isInteger(pid) || pid <= 0) throw errno('EINVAL', dir);
    // A process may not join a non-root group that hands controllers to children.
    if (!this.isRoot(dir) && this.list(join(dir, 'cgroup.subtree_control')).length) throw errno('EBUSY', dir);
    for (const g of this.groupDirs()) {
      const procs = this.list(join(g, 'cgroup.procs')).filter((p) => p !== String(pid));
      writeFileSync(join(g, 'cgroup.procs'), procs.map((p) => `${p}\n`).join(''));
    }
    const procs = this.list(join(dir, 'cgroup.procs'));
    writeFileSync(join(dir, 'cgroup.procs'), [...procs, String(pid)].map((p) => `${p}\n`).join(''));
  }
}
