import { describe, expect, it } from 'vitest';
import { toolbarActions } from './toolbar-actions';

describe('toolbar actions', () => {
  it('offers start and delete for a stopped guest, the power actions for a live one', () => {
    for (const state of ['shutoff', 'crashed'] as const) {
      expect(toolbarActions(state)).toEqual({ start: true, pauseResume: false, shutdown: false, reboot: false, forceOff: false, delete: true });
    }
    expect(toolbarActions('running')).toEqual({ start: false, pauseResume: true, shutdown: true, reboot: true, forceOff: true, delete: false });
    expect(toolbarActions('paused')).toEqual({ start: false, pauseResume: true, shutdown: false, reboot: true, forceOff: true, delete: false });
  });

  it('offers only Force off while QEMU starts (a hung start can be stopped), and nothing while it stops', () => {
    expect(toolbarActions('starting')).toEqual({ start: false, pauseResume: false, shutdown: false, reboot: false, forceOff: true, delete: false });
    expect(Object.values(toolbarActions('stopping')).some(Boolean)).toBe(false);
  });
});
