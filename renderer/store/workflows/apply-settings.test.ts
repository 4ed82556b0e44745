import { describe, expect, it } from 'vitest';
import { EngineDouble } from '../../../testing/page-double';
import { guest } from '../../../testing/fixtures';
import { createApiClient } from '../../api/client';
import { createActions } from '../actions';
import { createAppStore } from '../store';

async function setup() {
  const engine = new EngineDouble([guest('web', 'running', { shares: 2048 })]);
  const store = createAppStore();
  const actions = createActions(createApiClient(engine.api), store);
  await actions.refresh();
  return { engine, store, actions };
}

describe('applySettings', () => {
  it('sends the whole definition with the changed field, and keeps the answer', async () => {
    const { engine, store, actions } = await setup();
    const outcome = await actions.applySettings('web', { memoryLimitMiB: 512 });
    const [sent] = engine.callsTo('vm:update') as Record<string, unknown>[];
    // Nothing else of the definition changes: its other fields go along as they were.
    expect(sent).toMatchObject({ name: 'web', memoryMiB: 64, vcpus: 1, cpu: { shares: 2048 }, memoryLimitMiB: 512 });
    expect(outcome?.nextStart).toContain('memoryLimitMiB');
    expect(store.getState().vms.web?.definition.memoryLimitMiB).toBe(512);
  });

  it("shows the engine's refusal and changes nothing", async () => {
    const { store, actions } = await setup();
    await expect(actions.applySettings('web', { memoryLimitMiB: 8 })).rejects.toMatchObject({ code: 'INVALID_ARG' });
    expect(store.getState().vms.web?.definition.memoryLimitMiB).toBeUndefined();
  });

  it('answers null for a guest that is gone', async () => {
    const { actions } = await setup();
    expect(await actions.applySettings('nobody', { autostart: true })).toBeNull();
  });
});
