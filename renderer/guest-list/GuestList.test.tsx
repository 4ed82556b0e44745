import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../testing/page-double';
import { guest } from '../../testing/fixtures';
import { renderWithEngine, withPaneSize } from '../../testing/render-app';
import { App } from '../shell/App';

afterEach(cleanup);
withPaneSize();

describe('guest list', () => {
  it('lists guests as options named by the guest, with state, priority and memory', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web', 'running', { shares: 2048 }), guest('db', 'shutoff')]));
    const list = screen.getByRole('listbox', { name: 'Guests' });
    const web = within(list).getByRole('option', { name: 'web' });
    expect(web.textContent).toContain('Running');
    expect(web.textContent).toContain('2×');
    expect(web.textContent).toContain('64 MiB');
    expect(within(list).getByRole('option', { name: 'db' }).textContent).toContain('Shut off');
  });

  it('renders only the visible rows of a thousand guests, and moves the selection with the keyboard', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => guest(`g${String(i).padStart(4, '0')}`, 'shutoff'));
    const { store } = await renderWithEngine(<App kind="web" />, new EngineDouble(many));
    const list = screen.getByRole('listbox', { name: 'Guests' });
    const rows = within(list).getAllByRole('option');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(store.getState().selected).toBe('g0000');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(store.getState().selected).toBe('g0002');
    expect(list.getAttribute('aria-activedescendant')).toBe(within(list).getByRole('option', { name: 'g0002' }).id);
    fireEvent.keyDown(list, { key: 'End' });
    expect(store.getState().selected).toBe('g0999');
    fireEvent.keyDown(list, { key: 'Home' });
    expect(store.getState().selected).toBe('g0000');
  });

  it('filters the list by name', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web-1', 'shutoff'), guest('web-2', 'shutoff'), guest('db', 'shutoff')]));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter guests' }), { target: { value: 'WEB' } });
    await waitFor(() => expect(screen.queryByRole('option', { name: 'db' })).toBeNull());
    expect(screen.getAllByRole('option').map((o) => o.getAttribute('aria-label'))).toEqual(['web-1', 'web-2']);
  });

  it('does not keep a guest the filter hides selected (the toolbar would act on it unseen), and counts in words', async () => {
    const { store } = await renderWithEngine(<App kind="web" />, new EngineDouble([guest('db', 'shutoff'), guest('web-1', 'shutoff')]));
    expect(screen.getByText('2 guests')).toBeTruthy();
    act(() => store.getState().select('db'));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter guests' }), { target: { value: 'web' } });
    await waitFor(() => expect(store.getState().selected).toBe('web-1'));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter guests' }), { target: { value: 'nothing' } });
    await waitFor(() => expect(store.getState().selected).toBeNull());
    expect(screen.getByText('0 of 2')).toBeTruthy();
  });

  it('sorts by a column when its header is pressed, and back the other way on a second press', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('a', 'shutoff'), guest('b', 'running', { shares: 4096 }), guest('c', 'running')]));
    const order = () => screen.getAllByRole('option').map((o) => o.getAttribute('aria-label'));
    const sortBy = (name: string) => within(screen.getByRole('group', { name: 'Sort guests by' })).getByRole('button', { name: new RegExp(`^${name}`) });
    expect(order()).toEqual(['a', 'b', 'c']);
    fireEvent.click(sortBy('Priority'));
    expect(order()).toEqual(['b', 'a', 'c']);
    expect(sortBy('Priority').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(sortBy('State'));
    expect(order()).toEqual(['b', 'c', 'a']);
    fireEvent.click(sortBy('State'));
    expect(order()).toEqual(['a', 'b', 'c']); // stopped first now; guests in the same state stay in name order
  });

  it('says "1 guest", not "1 guests"', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('only', 'shutoff')]));
    expect(screen.getByText('1 guest')).toBeTruthy();
  });
});
