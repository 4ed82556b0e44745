// The Console tab against the page double: tickets through the real router, the stream a ConsoleChannelStandIn the
// test drives, and noVNC replaced by testing/novnc-stand-in.ts (jsdom has no canvas for the real one). What the real
// noVNC draws from QEMU's VNC server is the end-to-end test's to show.
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VmInfo } from '../../../shared';
import { guest } from '../../../testing/fixtures';
import { RfbStandIn } from '../../../testing/novnc-stand-in';
import { EngineDouble } from '../../../testing/page-double';
import { renderWithEngine } from '../../../testing/render-app';
import { DetailsPane } from '../DetailsPane';
import { ConsoleTab } from './ConsoleTab';

// noVNC stand-in (jsdom cannot run noVNC): see testing/novnc-stand-in.ts.
vi.mock('@novnc/novnc', async () => ({ default: (await import('../../../testing/novnc-stand-in')).RfbStandIn }));

beforeEach(() => RfbStandIn.reset());
afterEach(cleanup);

const withDisplay = (vm: VmInfo): VmInfo => ({ ...vm, definition: { ...vm.definition, vnc: true } });
const status = () => screen.getByRole('status').textContent;
const rfb = () => RfbStandIn.instances.at(-1)!;

async function setup(state: VmInfo['state'] = 'running', display = true) {
  const vm = guest('web', state);
  const engine = new EngineDouble([display ? withDisplay(vm) : vm]);
  const view = await renderWithEngine(<ConsoleTab name="web" />, engine);
  return { engine, ...view };
}

/** Waits for the page to open a stream, then opens it from the engine's side. */
async function opened(engine: EngineDouble, count = 1) {
  await waitFor(() => expect(engine.consoles).toHaveLength(count));
  const channel = engine.consoles[count - 1]!;
  await waitFor(() => expect(RfbStandIn.instances).toHaveLength(count));
  act(() => channel.open());
  return channel;
}

describe('Console tab', () => {
  it('says the guest is shut off instead of showing a black screen, and asks for no ticket', async () => {
    const { engine } = await setup('shutoff');
    expect(screen.getByText('The guest is shut off: start it to see its screen')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
    expect(engine.callsTo('console:ticket')).toEqual([]);
    expect(RfbStandIn.instances).toHaveLength(0);
  });

  it('says so when the guest has no display, pointing to the Serial tab', async () => {
    const { engine } = await setup('running', false);
    expect(screen.getByText('This guest has no display (it was created without one): see its Serial tab')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Screen of web' })).toBeNull();
    expect(engine.callsTo('console:ticket')).toEqual([]);
  });

  it('asks for a VNC ticket, opens the stream with it, and hands the stream to noVNC in the screen area', async () => {
    const { engine } = await setup();
    expect(status()).toBe('Connecting…');
    const channel = await opened(engine);
    expect(engine.callsTo('console:ticket')).toEqual([{ name: 'web', kind: 'vnc' }]);
    expect(channel).toMatchObject({ ticket: 'ticket-1', name: 'web', kind: 'vnc' });
    expect(rfb().channel).toBe(channel);
    expect(channel.binaryType).toBe('arraybuffer');
    const region = screen.getByRole('region', { name: 'Screen of web' });
    expect(region.contains(rfb().target)).toBe(true);
    expect(rfb().scaleViewport).toBe(true);
    expect(status()).toBe('Connected');

    // The canvas is in the Tab order, named, and described by the hint that says how to leave it.
    expect(rfb().canvas.tabIndex).toBe(0);
    expect(rfb().canvas.getAttribute('aria-label')).toBe('Keyboard and mouse of web');
    expect(document.getElementById(rfb().canvas.getAttribute('aria-describedby')!)?.textContent).toMatch(/Ctrl\+Alt\+Shift gives the keyboard back/);

    fireEvent.click(screen.getByRole('button', { name: 'Send Ctrl+Alt+Del' }));
    expect(rfb().ctrlAltDels).toBe(1);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Scale to fit' }));
    expect(rfb().scaleViewport).toBe(false);
  });

  it('shows a closed stream as disconnected, and connects again by itself when the guest runs again', async () => {
    const { engine, actions } = await setup();
    const first = await opened(engine);
    act(() => first.end(1000, 'the guest stopped'));
    expect(status()).toBe('Disconnected');
    expect(screen.getByRole('button', { name: 'Send Ctrl+Alt+Del' })).toHaveProperty('disabled', true);

    await act(() => actions.power('destroy', 'web'));
    expect(screen.getByText('The guest is shut off: start it to see its screen')).toBeTruthy();
    await act(() => actions.power('start', 'web'));
    const second = await opened(engine, 2);
    expect(engine.callsTo('console:ticket')).toEqual([
      { name: 'web', kind: 'vnc' },
      { name: 'web', kind: 'vnc' },
    ]);
    expect(second.ticket).toBe('ticket-2');
    expect(rfb().channel).toBe(second);
    expect(status()).toBe('Connected');
  });

  it('closes the stream when the guest stops while connected, and when the tab goes away', async () => {
    const { engine, actions, unmount } = await setup();
    const first = await opened(engine);
    await act(() => actions.power('destroy', 'web'));
    expect(first.closedByPage).toBe(true);
    expect(RfbStandIn.instances[0]!.disconnectedByPage).toBe(true);
    await act(() => actions.power('start', 'web'));
    const second = await opened(engine, 2);
    unmount();
    expect(second.closedByPage).toBe(true);
  });

  it('offers Reconnect after a lost stream while the guest runs, with a new ticket', async () => {
    const { engine } = await setup();
    const first = await opened(engine);
    act(() => first.end(1006, ''));
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await opened(engine, 2);
    expect(engine.callsTo('console:ticket')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Reconnect' })).toBeNull();
  });

  it('shows the engine’s refusal in its words', async () => {
    const vm = withDisplay(guest('web', 'running'));
    const engine = new EngineDouble([vm]);
    engine.failNext('console:ticket', 'OPERATION_FAILED', 'the VNC socket of guest web is missing');
    await renderWithEngine(<ConsoleTab name="web" />, engine);
    await waitFor(() => expect(status()).toBe('Could not connect: the VNC socket of guest web is missing'));
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();
  });

  it('gives the keyboard back to the window on Ctrl+Alt+Shift, without passing it to the screen', async () => {
    const { engine } = await setup();
    await opened(engine);
    const canvas = rfb().canvas;
    canvas.focus();
    const reached = vi.fn();
    canvas.addEventListener('keydown', reached);
    fireEvent.keyDown(canvas, { key: 'Tab' });
    expect(reached).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(canvas, { key: 'Shift', ctrlKey: true, altKey: true, shiftKey: true });
    expect(reached).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Scale to fit' }));
  });

  it('is the guest details’ Console tab, beside its Serial tab', async () => {
    const engine = new EngineDouble([withDisplay(guest('web', 'running'))]);
    const { store } = await renderWithEngine(<DetailsPane />, engine);
    act(() => store.getState().select('web'));
    fireEvent.click(screen.getByRole('tab', { name: 'Console' }));
    expect(await screen.findByRole('region', { name: 'Screen of web' })).toBeTruthy();
    await opened(engine);
    expect(screen.getByRole('tab', { name: 'Serial' })).toBeTruthy();
  });
});
