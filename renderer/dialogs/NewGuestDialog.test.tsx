import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { guestNameProblem } from '../../shared';
import { EngineDouble } from '../../testing/page-double';
import { guest } from '../../testing/fixtures';
import { renderWithEngine } from '../../testing/render-app';
import { App } from '../shell/App';

afterEach(cleanup);

const tool = (name: string) => screen.getByRole('button', { name });

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
    expect(engine.callsTo('vm:create')).toEqual([]);
    expect(document.activeElement).toBe(name);
  });

  it('creates a new image, defines the guest with its priority and extra devices, and starts it', async () => {
    const { dialog, engine, store } = await open();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'spin 1' } });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Memory (MiB)' }), { target: { value: '32' } });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Size (MiB)' }), { target: { value: '8' } });
    expect(within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'New image file' }).value).toBe('spin-1.qcow2');
    fireEvent.change(within(dialog).getByRole('slider', { name: 'CPU priority' }), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByText(/Extra devices/));
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: '/dev/net/tun' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The new image and the definition in one engine operation: a reload half-way leaves a whole guest or nothing.
    expect(engine.callsTo('vm:create')).toEqual([
      {
        definition: {
          name: 'spin 1',
          memoryMiB: 32,
          vcpus: 1,
          disks: [],
          cpu: { shares: 2048 },
          devices: { extra: ['/dev/net/tun'], omitDefaults: [] },
        },
        newDisk: { fileName: 'spin-1.qcow2', format: 'qcow2', sizeMiB: 8 },
      },
    ]);
    expect(engine.vm('spin 1').definition.disks).toMatchObject([{ path: '/var/lib/cgvirt/images/spin-1.qcow2', format: 'qcow2' }]);
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
    expect(engine.callsTo('vm:create')).toMatchObject([{ definition: { name: 'halt', disks: [{ path: '/srv/halt.img', format: 'raw' }] } }]);
    expect(engine.callsTo('vm:create')[0]).not.toHaveProperty('newDisk');
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
    expect(engine.callsTo('vm:create')).toHaveLength(1);
    // Created already: the dialog now only closes.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(engine.callsTo('vm:create')).toHaveLength(1);
  });
});
