// The Serial tab against the page double: tickets through the real router, the stream a ConsoleChannelStandIn the
// test drives, and the real xterm.js in jsdom (its DOM renderer), given the one browser call jsdom lacks.
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { VmState } from '../../../shared';
import type { ConsoleChannelStandIn } from '../../../testing/console-channel-stand-in';
import { guest } from '../../../testing/fixtures';
import { EngineDouble } from '../../../testing/page-double';
import { renderWithEngine } from '../../../testing/render-app';
import { SerialTab } from './SerialTab';

// jsdom has no matchMedia (xterm follows the device pixel ratio with it) and no canvas (xterm measures text with one
// when it can, and falls back to the DOM): a matchMedia stand-in that never matches, and no canvas context. Hoisted:
// xterm asks for a canvas when its module loads.
const saved = vi.hoisted(() => {
  const before = { matchMedia: window.matchMedia, getContext: HTMLCanvasElement.prototype.getContext };
  window.matchMedia = (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener() {},
    removeEventListener() {},
    addListener() {},
    removeListener() {},
    dispatchEvent: () => false,
  });
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
  return before;
});
afterAll(() => {
  window.matchMedia = saved.matchMedia;
  HTMLCanvasElement.prototype.getContext = saved.getContext;
});
afterEach(cleanup);

const status = () => screen.getByRole('status').textContent;
const terminal = () => screen.getByRole('region', { name: 'Serial console of web' });
/** The terminal's rows as the DOM renderer drew them, without the empty ones. */
const shown = () =>
  [...terminal().querySelectorAll('.xterm-rows > div')]
    .map((row) => row.textContent?.trimEnd() ?? '')
    .filter(Boolean)
    .join('\n');
const input = () => terminal().querySelector('textarea')!;

async function setup(state: VmState = 'running') {
  const engine = new EngineDouble([guest('web', state)]);
  const view = await renderWithEngine(<SerialTab name="web" />, engine);
  return { engine, ...view };
}

async function opened(engine: EngineDouble, count = 1): Promise<ConsoleChannelStandIn> {
  await waitFor(() => expect(engine.consoles).toHaveLength(count));
  const channel = engine.consoles[count - 1]!;
  act(() => channel.open());
  return channel;
}

describe('Serial tab', () => {
  it('says the guest is shut off instead of showing an empty terminal, and asks for no ticket', async () => {
    const { engine } = await setup('shutoff');
    expect(screen.getByText('The guest is shut off: start it to see its serial console')).toBeTruthy();
    expect(terminal().className).toContain('serial-terminal--hidden');
    expect(engine.callsTo('console:ticket')).toEqual([]);
  });

  it('asks for a serial ticket, opens the stream with it, and writes what the guest sends', async () => {
    const { engine } = await setup();
    expect(status()).toBe('Connecting…');
    const channel = await opened(engine);
    expect(engine.callsTo('console:ticket')).toEqual([{ name: 'web', kind: 'serial' }]);
    expect(channel).toMatchObject({ ticket: 'ticket-1', name: 'web', kind: 'serial', binaryType: 'arraybuffer' });
    expect(status()).toBe('Connected');
    act(() => channel.push('SeaBIOS (version 1.16)\r\n'));
    act(() => channel.push(new Uint8Array([0x63, 0x61, 0x66, 0xc3])));
    act(() => channel.push(new Uint8Array([0xa9, 0x3e, 0x20]))); // "café> ", its é split across two messages
    await waitFor(() => expect(shown()).toBe('SeaBIOS (version 1.16)\ncafé>'));
  });

  it('sends what the user types to the stream as UTF-8 bytes', async () => {
    const { engine } = await setup();
    const channel = await opened(engine);
    fireEvent.keyDown(input(), { key: 'l', code: 'KeyL', keyCode: 76 });
    fireEvent.keyDown(input(), { key: 'Enter', code: 'Enter', keyCode: 13 });
    fireEvent.keyDown(input(), { key: 'Tab', code: 'Tab', keyCode: 9 });
    // Text that arrives as input rather than as a key (an input method, a dead key): é is two bytes.
    fireEvent(input(), new InputEvent('input', { data: 'é', inputType: 'insertText', bubbles: true }));
    await waitFor(() => expect(channel.sentText()).toBe('l\r\té'));
    expect([...channel.sent.at(-1)!]).toEqual([0xc3, 0xa9]);
  });

  it('shows a closed stream as disconnected, keeps the last output, and starts afresh when the guest runs again', async () => {
    const { engine, actions } = await setup();
    const first = await opened(engine);
    act(() => first.push('login: '));
    act(() => first.end(1000, ''));
    expect(status()).toBe('Disconnected');
    // Typing into a closed stream sends nothing and breaks nothing.
    fireEvent.keyDown(input(), { key: 'x', code: 'KeyX', keyCode: 88 });
    expect(first.sent).toEqual([]);

    await act(() => actions.power('destroy', 'web'));
    expect(screen.getByText(/^The guest is shut off: start it to see its serial console\. Below: its output until it stopped\.$/)).toBeTruthy();
    expect(terminal().className).not.toContain('serial-terminal--hidden');
    await waitFor(() => expect(shown()).toBe('login:'));

    await act(() => actions.power('start', 'web'));
    const second = await opened(engine, 2);
    expect(engine.callsTo('console:ticket')).toEqual([
      { name: 'web', kind: 'serial' },
      { name: 'web', kind: 'serial' },
    ]);
    expect(status()).toBe('Connected');
    // The new stream replays the serial port's scrollback itself: the terminal starts empty, not doubled.
    act(() => second.push('booting\r\n'));
    await waitFor(() => expect(shown()).toBe('booting'));
  });

  it('gives the keyboard back to the window on Ctrl+Alt+Shift, without sending it to the guest', async () => {
    const { engine } = await setup();
    const channel = await opened(engine);
    input().focus();
    fireEvent.keyDown(input(), { key: 'Shift', code: 'ShiftLeft', keyCode: 16, ctrlKey: true, altKey: true, shiftKey: true });
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'Screen reader mode' }));
    expect(channel.sent).toEqual([]);
    expect(input().getAttribute('aria-label')).toBe("Keyboard of web's serial port");
  });
});
