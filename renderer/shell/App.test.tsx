import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../testing/page-double';
import { guest } from '../../testing/fixtures';
import { renderWithEngine, withPaneSize } from '../../testing/render-app';
import { App } from './App';

afterEach(cleanup);
withPaneSize();

const tool = (name: string) => screen.getByRole('button', { name });
const isOff = (b: HTMLElement) => b.getAttribute('aria-disabled') === 'true';

describe('main window', () => {
  it('helps a first-time user create a guest', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([]));
    expect(screen.getByRole('heading', { name: 'No guests yet' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create a guest' }));
    expect(screen.getByRole('dialog', { name: 'New guest' })).toBeTruthy();
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

  it('offers to delete, with the guest, the images cgvirt made in its images directory, and only those', async () => {
    const engine = new EngineDouble([guest('web', 'shutoff', { disks: ['/var/lib/cgvirt/images/web.qcow2', '/srv/mine.img'] })]);
    await renderWithEngine(<App kind="web" />, engine);
    fireEvent.click(tool('Delete'));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete guest “web”?' });
    const also = within(dialog).getByRole('checkbox', { name: 'Also delete its image in cgvirt’s images directory (/var/lib/cgvirt/images)' });
    fireEvent.click(also);
    expect(dialog.textContent).toContain('Disk images outside cgvirt’s images directory are kept');
    expect(within(dialog).getByText('/var/lib/cgvirt/images/web.qcow2').parentElement?.textContent).toContain('deleted too');
    expect(within(dialog).getByText('/srv/mine.img').parentElement?.textContent).not.toContain('deleted too');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete guest' }));
    await screen.findByRole('heading', { name: 'No guests yet' });
    expect(engine.callsTo('vm:undefine')).toEqual([{ name: 'web', deleteImages: true }]);
  });
});

describe('banners', () => {
  it('says what the host lacks, in the engine’s words', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web', 'running')]));
    const banner = screen.getByRole('region', { name: 'Host capabilities' });
    expect(banner.textContent).toContain('Hardware acceleration (KVM):');
    expect(banner.textContent).toContain('/dev/kvm does not exist');
  });

  it('tells of bridged networking an engine cannot do as advice, not a warning: guests run on NAT as before', async () => {
    const engine = new EngineDouble([guest('web', 'running')]);
    const reason = 'bridged networking needs a privileged engine (root); this one runs as uid 1000';
    engine.engine.host = {
      ...engine.engine.host,
      features: { ...engine.engine.host.features, kvm: { available: true }, bridgedNetwork: { available: false, reason } },
    };
    await renderWithEngine(<App kind="web" />, engine);
    const banner = await screen.findByRole('region', { name: 'Host capabilities' });
    expect(banner.className).toContain('banner--info');
    expect(banner.textContent).toContain('Some optional features are unavailable on this host');
    expect(banner.textContent).toContain(`Bridged networking: ${reason}`);
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
      store
        .getState()
        .setConnection({ state: 'closed', failures: 2, opens: 0, retryAt: Date.now() + 4000, lastError: 'could not connect to the engine (code 1006)' }),
    );
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toContain('Not connected to the cgvirt engine');
    expect(banner.textContent).toContain('could not connect to the engine (code 1006)');
    expect(banner.textContent).toMatch(/no access token.*npm run serve/);
    expect(within(banner).getByRole('button', { name: 'Retry now' })).toBeTruthy();
  });
});
