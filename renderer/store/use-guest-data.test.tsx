import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../testing/page-double';
import { guest } from '../../testing/fixtures';
import { renderWithEngine } from '../../testing/render-app';
import { useGuestData } from './use-guest-data';

afterEach(cleanup);

function Log({ name }: { name: string }) {
  const { data, error } = useGuestData('log', name);
  return <p>{error ?? data?.join(' ') ?? 'loading'}</p>;
}

describe('useGuestData', () => {
  it('fetches once for every view that shows it, caches per guest, and fetches again after a state change or a reload', async () => {
    const engine = new EngineDouble([guest('web', 'running'), guest('db', 'shutoff')]);
    const { actions, rerender } = await renderWithEngine(
      <>
        <Log name="web" />
        <Log name="web" />
      </>,
      engine,
    );
    await screen.findAllByText('web: started');
    expect(engine.callsTo('vm:log')).toHaveLength(1);

    rerender(<Log name="db" />);
    await screen.findByText('db: started');
    rerender(<Log name="web" />);
    expect(screen.getByText('web: started')).toBeTruthy();
    expect(engine.callsTo('vm:log')).toHaveLength(2);

    act(() => engine.emit('vm:state', { name: 'web', state: 'paused' }));
    await waitFor(() => expect(engine.callsTo('vm:log')).toHaveLength(3));
    await act(() => actions.refresh());
    await waitFor(() => expect(engine.callsTo('vm:log')).toHaveLength(4));
  });

  it('shows the engine’s refusal', async () => {
    const engine = new EngineDouble([guest('web', 'running')]);
    engine.failNext('vm:log', 'NO_DOMAIN', "no guest named 'web'");
    await renderWithEngine(<Log name="web" />, engine);
    expect(await screen.findByText("no guest named 'web'")).toBeTruthy();
  });
});
