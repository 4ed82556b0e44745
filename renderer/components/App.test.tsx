import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guestNameProblem } from '../../shared';
import { EngineDouble, guest } from '../../testing/page-double';
import { renderWithEngine } from '../../testing/render-app';
import { App } from './App';

afterEach(cleanup);

// jsdom lays nothing out; the virtualized list needs a viewport to decide which rows to render. Give every element
// the size of a 600 px tall pane for this file.
const sizes = ['clientHeight', 'clientWidth'] as const;
const saved = sizes.map((k) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, k));
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterAll(() => {
  sizes.forEach((k, i) => {
    if (saved[i]) Object.defineProperty(HTMLElement.prototype, k, saved[i]);
  });
});

const tool = (name: string) => screen.getByRole('button', { name });
const isOff = (b: HTMLElement) => b.getAttribute('aria-disabled') === 'true';

describe('main window', () => {
  it('helps a first-time user create a guest', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([]));
    expect(screen.getByRole('heading', { name: 'No guests yet' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create a guest' }));
    expect(screen.getByRole('dialog', { name: 'New guest' })).toBeTruthy();
  });

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

  it('offers the toolbar actions the selected guest’s state allows, and follows state events', async () => {
    const engine = new EngineDouble([guest('web', 'shutoff')]);
    await renderWithEngine(<App kind="web" />, engine);
    for (const name of ['New', 'Start', 'Pause', 'Shut down', 'Force off', 'Delete']) expect(tool(name)).toBeTruthy();
    expect(isOff(tool('Start'))).toBe(false);
    expect(isOff(tool('Pause'))).toBe(true);
    expect(isOff(tool('Force off'))).toBe(true);
    fireEvent.click(tool('Start'));
    await waitFor(() => expect(isOff(tool('Pause'))).toBe(false));
    expect(engine.callsTo('vm:start')).toEqual([{ name: 'web' }]);
    expect(isOff(tool('Start'))).toBe(true);
    expect(isOff(tool('Delete'))).toBe(true);
    fireEvent.click(tool('Pause'));
    await waitFor(() => expect(tool('Resume')).toBeTruthy());
    // Another window forces it off: the toolbar follows the pushed event.
    act(() => engine.emit('vm:state', { name: 'web', state: 'shutoff' }));
    expect(isOff(tool('Start'))).toBe(false);
  });

  it('shows an engine failure under the toolbar, in the engine’s words', async () => {
    const engine = new EngineDouble([guest('web', 'shutoff')]);
    await renderWithEngine(<App kind="web" />, engine);
    engine.failNext('vm:start', 'OPERATION_FAILED', "cannot start guest 'web': qemu-system-x86_64 exited with status 1: could not open disk image");
    fireEvent.click(tool('Start'));
    expect((await screen.findByRole('alert')).textContent).toBe(
      "Could not start “web”: cannot start guest 'web': qemu-system-x86_64 exited with status 1: could not open disk image",
    );
  });

  it('asks before forcing off, and says a shut-down request may be ignored', async () => {
    const engine = new EngineDouble([guest('web', 'running')]);
    await renderWithEngine(<App kind="web" />, engine);
    fireEvent.click(tool('Shut down'));
    expect((await screen.findByRole('status')).textContent).toMatch(/use Force off/);
    fireEvent.click(tool('Force off'));
    const dialog = screen.getByRole('alertdialog', { name: 'Force off “web”?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Force off' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(engine.callsTo('vm:destroy')).toEqual([{ name: 'web' }]);
    expect(screen.getByRole('option', { name: 'web' }).textContent).toContain('Shut off');
  });

  it('deletes after a confirmation that says the disk images are kept', async () => {
    const engine = new EngineDouble([guest('web', 'shutoff', { disks: ['/var/lib/cgvirt/images/web.qcow2'] })]);
    await renderWithEngine(<App kind="web" />, engine);
    fireEvent.click(tool('Delete'));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete guest “web”?' });
    expect(dialog.textContent).toContain('Disk images are kept');
    expect(dialog.textContent).toContain('/var/lib/cgvirt/images/web.qcow2');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete guest' }));
    await screen.findByRole('heading', { name: 'No guests yet' });
    expect(engine.callsTo('vm:undefine')).toEqual([{ name: 'web' }]);
  });
});

describe('modal dialogs', () => {
  it('make the page behind them inert, start on the safe answer, close on Escape and give the focus back', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web', 'running')]), { asPage: true });
    const root = document.getElementById('root')!;
    const button = tool('Force off');
    button.focus();
    fireEvent.click(button);
    const dialog = screen.getByRole('alertdialog', { name: 'Force off “web”?' });
    expect(root.hasAttribute('inert')).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(root.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(button);
    root.remove();
  });
});

describe('banners', () => {
  it('says what the host lacks, in the engine’s words', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web', 'running')]));
    const banner = screen.getByRole('region', { name: 'Host capabilities' });
    expect(banner.textContent).toContain('Hardware acceleration (KVM):');
    expect(banner.textContent).toContain('/dev/kvm does not exist');
  });

  it('names guest definition files the engine could not read', async () => {
    const engine = new EngineDouble([guest('web', 'shutoff')]);
    engine.broken = [{ file: 'old.json', reason: "memoryMiB '8' must be an integer in range [16, 1048576]" }];
    await renderWithEngine(<App kind="web" />, engine);
    const banner = await screen.findByRole('region', { name: 'Unreadable guest definitions' });
    expect(banner.textContent).toContain("old.json: memoryMiB '8' must be an integer in range [16, 1048576]");
    expect(screen.getByRole('option', { name: 'web' })).toBeTruthy();
  });

  it('says when the page is not connected, why, and what to do without a token', async () => {
    const { store } = await renderWithEngine(<App kind="web" tokenMissing onRetryConnection={() => {}} />, new EngineDouble([]));
    act(() =>
      store.getState().setConnection({ state: 'closed', failures: 2, opens: 0, retryAt: Date.now() + 4000, lastError: 'could not connect to the engine (code 1006)' }),
    );
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toContain('Not connected to the cgvirt engine');
    expect(banner.textContent).toContain('could not connect to the engine (code 1006)');
    expect(banner.textContent).toMatch(/no access token.*npm run serve/);
    expect(within(banner).getByRole('button', { name: 'Retry now' })).toBeTruthy();
  });
});

describe('New guest dialog', () => {
  async function open(engine = new EngineDouble([guest('web', 'shutoff')])) {
    const view = await renderWithEngine(<App kind="web" />, engine);
    fireEvent.click(tool('New'));
    const dialog = screen.getByRole('dialog', { name: 'New guest' });
    return { engine, dialog, ...view };
  }

  it('checks the name with the engine’s own rule and words', async () => {
    const { dialog, engine } = await open();
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    fireEvent.change(name, { target: { value: 'a/b' } });
    fireEvent.blur(name);
    expect(within(dialog).getByText(guestNameProblem('a/b')!)).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(name, { target: { value: 'web' } });
    expect(within(dialog).getByText("a guest named 'web' already exists")).toBeTruthy();
    within(dialog).getByRole('button', { name: 'Create and start' }).focus();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    expect(engine.callsTo('vm:define')).toEqual([]);
    expect(document.activeElement).toBe(name);
  });

  it('creates a new image, defines the guest with its priority and extra devices, and starts it', async () => {
    const { dialog, engine, store } = await open();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'spin 1' } });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Memory (MiB)' }), { target: { value: '32' } });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Size (MiB)' }), { target: { value: '8' } });
    expect((within(dialog).getByRole('textbox', { name: 'New image file' }) as HTMLInputElement).value).toBe('spin-1.qcow2');
    fireEvent.change(within(dialog).getByRole('slider', { name: 'CPU priority' }), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByText(/Extra devices/));
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: '/dev/net/tun' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(engine.callsTo('storage:create')).toEqual([{ fileName: 'spin-1.qcow2', format: 'qcow2', sizeMiB: 8 }]);
    expect(engine.callsTo('vm:define')).toEqual([
      {
        name: 'spin 1',
        memoryMiB: 32,
        vcpus: 1,
        disks: [{ path: '/var/lib/cgvirt/images/spin-1.qcow2', format: 'qcow2' }],
        cpu: { shares: 2048 },
        devices: { extra: ['/dev/net/tun'], omitDefaults: [] },
      },
    ]);
    expect(engine.callsTo('vm:start')).toEqual([{ name: 'spin 1' }]);
    expect(store.getState().selected).toBe('spin 1');
    expect(store.getState().vms['spin 1']!.state).toBe('running');
  });

  it('uses an existing image and does not start when asked not to', async () => {
    const { dialog, engine } = await open(new EngineDouble([]));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'halt' } });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Use an existing image' }));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Image path' }), { target: { value: 'relative.img' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Start the guest after creating it' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    // The engine's path rule, in its words.
    expect(within(dialog).getByText("path 'relative.img' is not allowed: it is not absolute")).toBeTruthy();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Image path' }), { target: { value: '/srv/halt.img' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(engine.callsTo('vm:define')).toMatchObject([{ name: 'halt', disks: [{ path: '/srv/halt.img', format: 'raw' }] }]);
    expect(engine.callsTo('storage:create')).toEqual([]);
    expect(engine.callsTo('vm:start')).toEqual([]);
  });

  it('names the step that failed, in the engine’s words, and keeps the dialog open', async () => {
    const { dialog, engine } = await open(new EngineDouble([]));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'x' } });
    engine.failNext('vm:start', 'OPERATION_FAILED', "cannot start guest 'x': QEMU binary not found");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      "The guest was created but did not start: cannot start guest 'x': QEMU binary not found",
    );
    expect(engine.callsTo('vm:define')).toHaveLength(1);
    // Created already: the dialog now only closes.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(engine.callsTo('vm:define')).toHaveLength(1);
  });
});
