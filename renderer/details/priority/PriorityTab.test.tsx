import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../../testing/page-double';
import { guest } from '../../../testing/fixtures';
import { renderWithEngine } from '../../../testing/render-app';
import { PriorityTab } from './PriorityTab';

afterEach(cleanup);

const shareOf = (name: string) => screen.getByTestId(`share-${name}`).textContent;

// Pinned to one of the host's two CPUs, a and b compete for it: their priorities split it.
const ONE_CPU = { cpuset: '0' };

async function setup(state: 'running' | 'shutoff' = 'running', pin: { cpuset?: string } = ONE_CPU) {
  const engine = new EngineDouble([guest('a', state, pin), guest('b', 'running', pin), guest('c', 'shutoff', { shares: 4096 })]);
  const view = await renderWithEngine(<PriorityTab name="a" />, engine);
  // The tab reads the current values first.
  await waitFor(() => expect(engine.callsTo('sched:get')).toHaveLength(1));
  return { engine, ...view, slider: screen.getByRole('slider', { name: 'CPU priority' }) };
}

describe('CPU priority tab', () => {
  it('names its controls for people and tests: "CPU priority", "CPU cap", the native value', async () => {
    const { slider } = await setup();
    expect(slider).toHaveProperty('type', 'range');
    expect(slider.getAttribute('aria-valuetext')).toBe('1× of the default, 1024 shares');
    expect(screen.getByRole('slider', { name: 'CPU cap' }).getAttribute('aria-valuetext')).toBe('Unlimited');
    expect(screen.getByRole('spinbutton', { name: 'cpu_shares' })).toHaveProperty('value', '1024');
  });

  it('previews the share while dragging, applies once on release, live and saved for a running guest', async () => {
    const { engine, slider } = await setup();
    expect(shareOf('a')).toBe('50%');
    expect(shareOf('b')).toBe('50%');
    // A shut-off guest does not compete for CPU.
    expect(screen.queryByTestId('share-c')).toBeNull();

    fireEvent.input(slider, { target: { value: '0.5' } });
    fireEvent.input(slider, { target: { value: '1' } });
    expect(shareOf('a')).toBe('67%');
    expect(shareOf('b')).toBe('33%');
    expect(engine.callsTo('sched:set')).toEqual([]);

    fireEvent.change(slider, { target: { value: '1' } });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(1));
    expect(engine.callsTo('sched:set')[0]).toEqual({
      name: 'a',
      params: [{ field: 'cpu_shares', type: 'ullong', value: 2048 }],
      flags: { live: true, config: true },
    });
    expect(await screen.findByText('Applied 2× (2048 shares): in effect now and saved.')).toBeTruthy();
    expect(engine.vm('a').definition.cpu.shares).toBe(2048);
    expect(shareOf('a')).toBe('67%');
    expect(screen.getByText(/Live/)).toBeTruthy();
  });

  it('changes only the saved settings of a shut-off guest, and says so', async () => {
    const { engine, slider } = await setup('shutoff');
    expect(screen.getByText('Saved only')).toBeTruthy();
    // Not running, it is shown as it would be if started: 1024 against b's 1024.
    expect(screen.getByText('a (if started)')).toBeTruthy();
    fireEvent.change(slider, { target: { value: '-1' } });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(1));
    expect(engine.callsTo('sched:set')[0]).toMatchObject({ params: [{ field: 'cpu_shares', value: 512 }], flags: { config: true } });
    expect((engine.callsTo('sched:set')[0] as { flags: object }).flags).not.toHaveProperty('live');
    expect(await screen.findByText('Saved ½× (512 shares): takes effect at the next start.')).toBeTruthy();
  });

  it('snaps a release near 1× back to exactly 1×, which changes nothing', async () => {
    const { engine, slider } = await setup();
    fireEvent.input(slider, { target: { value: '0.04' } });
    expect(slider.getAttribute('aria-valuetext')).toBe('1× of the default, 1024 shares');
    fireEvent.change(slider, { target: { value: '0.04' } });
    await act(async () => {});
    expect(engine.callsTo('sched:set')).toEqual([]);
  });

  it('moves in quarter octaves with the arrow keys (four make a doubling) and applies on key release', async () => {
    const { engine, slider } = await setup();
    for (let i = 0; i < 4; i++) fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(slider.getAttribute('aria-valuetext')).toBe('2× of the default, 2048 shares');
    expect(engine.callsTo('sched:set')).toEqual([]);
    fireEvent.keyUp(slider, { key: 'ArrowRight' });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(1));
    expect(engine.callsTo('sched:set')[0]).toMatchObject({ params: [{ value: 2048 }] });
    fireEvent.keyDown(slider, { key: 'End' });
    fireEvent.keyUp(slider, { key: 'End' });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(2));
    expect(engine.callsTo('sched:set')[1]).toMatchObject({ params: [{ value: 8192 }] });
  });

  it('takes a native cpu_shares value, checked with the engine’s rule before it is sent', async () => {
    const { engine } = await setup();
    const box = screen.getByRole('spinbutton', { name: 'cpu_shares' });
    fireEvent.change(box, { target: { value: '1' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toBe("shares '1' must be in range [2, 262144]");
    expect(engine.callsTo('sched:set')).toEqual([]);
    fireEvent.change(box, { target: { value: '3000' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(1));
    expect(engine.callsTo('sched:set')[0]).toMatchObject({ params: [{ value: 3000 }] });
    expect(screen.getByRole('slider', { name: 'CPU priority' }).getAttribute('aria-valuetext')).toBe('2.93× of the default, 3000 shares');
  });

  it('shows the engine’s refusal beside the slider, in its words, and goes back to the applied value', async () => {
    const { engine, slider } = await setup();
    engine.failNext('sched:set', 'OPERATION_FAILED', "cannot write cpu.shares of guest 'a': Permission denied");
    fireEvent.change(slider, { target: { value: '1' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe("cannot write cpu.shares of guest 'a': Permission denied");
    await waitFor(() => expect(slider.getAttribute('aria-valuetext')).toBe('1× of the default, 1024 shares'));
    expect(shareOf('a')).toBe('50%');
  });

  it('resets to the default', async () => {
    const { engine, slider } = await setup();
    fireEvent.change(slider, { target: { value: '2' } });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Reset to 1×' }));
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(2));
    expect(engine.callsTo('sched:set')[1]).toMatchObject({ params: [{ field: 'cpu_shares', value: 1024 }] });
  });

  it('sets a CPU cap as quota and period, and "unlimited" as quota -1', async () => {
    const { engine } = await setup();
    const cap = screen.getByRole('slider', { name: 'CPU cap' });
    fireEvent.change(cap, { target: { value: '25' } });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(1));
    expect(engine.callsTo('sched:set')[0]).toEqual({
      name: 'a',
      params: [
        { field: 'cpu_quota', type: 'llong', value: 25000 },
        { field: 'cpu_period', type: 'ullong', value: 100000 },
      ],
      flags: { live: true, config: true },
    });
    await waitFor(() => expect(cap.getAttribute('aria-valuetext')).toBe('25% of one CPU'));
    fireEvent.keyDown(cap, { key: 'End' });
    fireEvent.keyUp(cap, { key: 'End' });
    await waitFor(() => expect(engine.callsTo('sched:set')).toHaveLength(2));
    expect(engine.callsTo('sched:set')[1]).toMatchObject({ params: [{ field: 'cpu_quota', type: 'llong', value: -1 }] });
    await waitFor(() => expect(cap.getAttribute('aria-valuetext')).toBe('Unlimited'));
  });

  it('on two CPUs two busy 1-vCPU guests do not compete: each gets a whole CPU, at any priority', async () => {
    const { slider } = await setup('running', {});
    expect(shareOf('a')).toBe('100%');
    expect(shareOf('b')).toBe('100%');
    fireEvent.input(slider, { target: { value: '1' } });
    expect(shareOf('a')).toBe('100%');
    expect(screen.getAllByText(/all its vCPUs can use/)).toHaveLength(2);
  });

  it('counts an idle guest at what it uses: the busy one gets the rest of the CPU they share', async () => {
    const { store } = await setup();
    // b idled at 2 % of a CPU for the last seconds, a took the rest of CPU 0.
    act(() => {
      for (let t = 1; t <= 5; t++) {
        store.getState().statsTick({
          at: t * 1000,
          guests: [
            { name: 'a', cpuPercent: 97, cpuTimeUs: t, memoryBytes: 0 },
            { name: 'b', cpuPercent: 2, cpuTimeUs: t, memoryBytes: 0 },
          ],
        });
      }
    });
    expect(shareOf('b')).toBe('2.0%');
    expect(shareOf('a')).toBe('98%');
  });

  it('follows another window’s change pushed by the engine', async () => {
    const { engine, slider } = await setup();
    const changed = guest('b', 'running', { shares: 3072, ...ONE_CPU });
    act(() => engine.emit('vm:changed', { name: 'b', info: changed }));
    expect(shareOf('b')).toBe('75%');
    expect(within(screen.getByRole('list')).getAllByRole('listitem')).toHaveLength(2);
    expect(slider.getAttribute('aria-valuetext')).toBe('1× of the default, 1024 shares');
  });
});
