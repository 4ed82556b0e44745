// Host interfaces for the bridged-NIC tests: bridges with a unique name (`cgvt` + the test process's pid in base 36 +
// `-` + 4 hex digits: within the 15 characters Linux allows), removed afterwards also when the test failed — with the
// taps of the test's guests, wherever they are —, and a sweep of bridges left by test processes that died before they
// could clean up. Only names this process made (or a dead test process made) are ever deleted. Written with `ip`
// directly, not the engine's host layer, so the tests check the engine from outside.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { alive } from './partition';

const SYS_NET = '/sys/class/net';
const PREFIX = 'cgvt';
const TEST_BRIDGE = /^cgvt([0-9a-z]+)-[0-9a-f]{4}$/;

/** Interfaces this process made and has not removed yet. */
const made = new Set<string>();

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
export const interfaceExists = (name: string) => existsSync(join(SYS_NET, name));

/** A new bridge with a unique test name (up, with no ports). */
export function newTestBridge(): string {
  const name = `${PREFIX}${process.pid.toString(36)}-${randomBytes(2).toString('hex')}`;
  made.add(name);
  ip('link', 'add', name, 'type', 'bridge');
  ip('link', 'set', 'dev', name, 'up');
  return name;
}

/** A bridge named `name` (e.g. the tap name a guest will want, to make it collide): removed like the test bridges. */
export function newInterfaceNamed(name: string): void {
  if (interfaceExists(name)) throw new Error(`interface ${name} exists already; not the test's to take`);
  made.add(name);
  ip('link', 'add', name, 'type', 'bridge');
}

/** A persistent tap named `name` that no process holds: what an engine killed half-way through a start leaves. */
export function newIdleTapNamed(name: string): void {
  if (interfaceExists(name)) throw new Error(`interface ${name} exists already; not the test's to take`);
  made.add(name);
  ip('tuntap', 'add', 'dev', name, 'mode', 'tap');
}

/** The bridge an interface is a port of (what its sysfs `master` link names), or null. */
export function masterOf(name: string): string | null {
  try {
    return basename(readlinkSync(join(SYS_NET, name, 'master')));
  } catch {
    return null;
  }
}

/** Removes one interface this process made (a bridge that vanishes between define and start). */
export function removeTestInterface(name: string): void {
  if (!made.has(name)) throw new Error(`interface ${name} was not made by this test process; not removing it`);
  remove(name);
  made.delete(name);
}

function remove(name: string): void {
  if (!interfaceExists(name)) return;
  try {
    ip('link', 'del', 'dev', name);
  } catch (e) {
    if (interfaceExists(name)) throw e;
  }
}

/**
 * Removes the interfaces this process made, and `taps` (the test guests' taps, named from their uuids: ours) where
 * they are left; every one is tried, and the first failure is thrown after.
 */
export function removeTestInterfaces(taps: readonly string[] = []): void {
  const errors: unknown[] = [];
  for (const name of [...taps, ...made]) {
    try {
      remove(name);
      made.delete(name);
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
}

/** Removes test bridges whose test process is gone (a run killed before its cleanup). */
export function sweepDeadTestBridges(): void {
  for (const name of readdirSync(SYS_NET)) {
    const m = TEST_BRIDGE.exec(name);
    if (m && !alive(parseInt(m[1]!, 36))) remove(name);
  }
}
