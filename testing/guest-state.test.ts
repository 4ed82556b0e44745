// The guest-state rules exist once (shared/guest-state.ts); this checks that the three places that act on them agree
// with them for every state and action: the engine's guest table (where every channel module asks), the toolbar
// (what it offers), and the fake engine behind the router and page tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_CHANNEL, canDo, definitionSchema, GUEST_ACTIONS, isCgvirtError, methodOf, VM_STATES, type GuestAction, type VmState } from '../shared';
import { EngineEvents } from '../electron/engine/vms/events';
import { GuestTable } from '../electron/engine/vms/guests';
import type { RunningGuest } from '../electron/engine/vms/running';
import { RuntimeDir } from '../electron/engine/vms/runtime';
import { DefinitionStore } from '../electron/engine/vms/store';
import { toolbarActions } from '../renderer/shell/toolbar-actions';
import { createFakeEngine } from './fake-engine';
import { guest } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'cgvirt-states-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const definition = definitionSchema.parse({ name: 'g', uuid: '5a0e2c1b-3d4f-4a5b-8c6d-7e8f9a0b1c2d', memoryMiB: 32, vcpus: 1 });

/** A running-guest record with no QEMU behind it: enough for the table to hold it in `state`. */
function stubGuest(state: RunningGuest['state'], exited: Promise<null>): RunningGuest {
  const status = { name: 'g', uuid: definition.uuid, pid: 1, startTime: 0, qmpSocket: join(dir, 'q'), pidfile: join(dir, 'p') };
  return {
    state,
    name: 'g',
    uuid: definition.uuid,
    logPath: join(dir, 'g.log'),
    paths: { qmpSocket: status.qmpSocket, pidfile: status.pidfile },
    status,
    process: { pid: 1, exited, kill: async () => false, stopWatching: () => undefined },
    qmp: { onEvent: () => () => undefined, destroy: () => undefined },
    group: null,
    expectedExit: null,
    guestShutdown: false,
    live: definition,
  } as unknown as RunningGuest;
}

/** The engine's guest table with guest 'g' in `state`. */
async function tableIn(state: VmState): Promise<GuestTable> {
  const store = new DefinitionStore(join(dir, `config-${state}`));
  await store.save(definition);
  const lifecycle = { cgroups: {} as never, runtime: new RuntimeDir(join(dir, `run-${state}`)), logPath: () => join(dir, 'g.log') };
  const table = new GuestTable(store, new EngineEvents(), lifecycle);
  if (state === 'crashed') {
    // A QEMU that vanished while not our child ends as crashed: the table records it so.
    const r = stubGuest('running', Promise.resolve(null));
    table.watch(r);
    await r.cleanedUp;
  } else if (state === 'starting') {
    table.beginStart('g'); // a start under way has no running record yet, as in the engine
  } else if (state !== 'shutoff') {
    table.watch(stubGuest(state, new Promise(() => undefined)));
  }
  expect(table.stateOf('g')).toBe(state);
  return table;
}

/** The table's rule check, which every channel module asks (directly, or through `require` for a running record). */
function engineAllows(table: GuestTable, action: GuestAction): boolean {
  try {
    table.check('g', action);
    if (canDo(action, table.stateOf('g')) && table.get('g')) table.require('g', action);
    return true;
  } catch (e) {
    if (isCgvirtError(e) && e.code === 'OPERATION_INVALID') return false;
    throw e;
  }
}

async function fakeAllows(state: VmState, action: GuestAction): Promise<boolean> {
  const fake = createFakeEngine([guest('g', state)]);
  const method = fake[methodOf(ACTION_CHANNEL[action])] as (r: { name: string }) => Promise<unknown>;
  try {
    await method({ name: 'g' });
    return true;
  } catch (e) {
    if (isCgvirtError(e) && e.code === 'OPERATION_INVALID') return false;
    throw e;
  }
}

/** What the toolbar offers for each action it has a button for. */
const toolbarOffers = (state: VmState): Partial<Record<GuestAction, boolean>> => {
  const t = toolbarActions(state);
  return { start: t.start, shutdown: t.shutdown, reboot: t.reboot, destroy: t.forceOff, undefine: t.delete };
};

describe('guest-state rules: engine, toolbar and fake engine agree with shared/guest-state.ts', () => {
  it.each(VM_STATES)('in state %s', async (state) => {
    const table = await tableIn(state);
    const expected = Object.fromEntries(GUEST_ACTIONS.map((a) => [a, canDo(a, state)]));
    const engine = Object.fromEntries(GUEST_ACTIONS.map((a) => [a, engineAllows(table, a)]));
    const fake = Object.fromEntries(await Promise.all(GUEST_ACTIONS.map(async (a) => [a, await fakeAllows(state, a)] as const)));
    expect(engine).toEqual(expected);
    expect(fake).toEqual(expected);
    expect(toolbarOffers(state)).toEqual({
      start: expected.start,
      shutdown: expected.shutdown,
      reboot: expected.reboot,
      destroy: expected.destroy,
      undefine: expected.undefine,
    });
    // One button pauses or resumes, whichever the state allows.
    expect(toolbarActions(state).pauseResume).toBe(canDo('pause', state) || canDo('resume', state));
  });

  it('while QEMU starts only force off may be done (a hung start must be stoppable), while it stops nothing; every action is allowed somewhere and refused somewhere', () => {
    expect(GUEST_ACTIONS.filter((a) => canDo(a, 'starting'))).toEqual(['destroy']);
    expect(GUEST_ACTIONS.filter((a) => canDo(a, 'stopping'))).toEqual([]);
    for (const action of GUEST_ACTIONS) {
      expect(VM_STATES.some((s) => canDo(action, s))).toBe(true);
      expect(VM_STATES.every((s) => canDo(action, s))).toBe(false);
    }
  });
});
