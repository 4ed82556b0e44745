import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../../testing/page-double';
import { guest } from '../../../testing/fixtures';
import { renderWithEngine } from '../../../testing/render-app';
import { DevicesTab } from './DevicesTab';

afterEach(cleanup);

const box = (path: string) => screen.getByRole<HTMLInputElement>('checkbox', { name: path });

async function setup(state: 'running' | 'shutoff' = 'running') {
  const engine = new EngineDouble([guest('web', state, { disks: ['/dev/sdb', '/var/lib/cgvirt/images/web.qcow2'] }), guest('db', 'running')]);
  const view = await renderWithEngine(<DevicesTab name="web" />, engine);
  await screen.findByRole('checkbox', { name: '/dev/net/tun' });
  return { engine, ...view };
}

describe('device checklist', () => {
  it('labels every checkbox by its device path, in three groups', async () => {
    await setup();
    for (const p of ['/dev/null', '/dev/full', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/ptmx', '/dev/kvm']) {
      expect(box(p).checked).toBe(true);
      expect(box(p).disabled).toBe(false);
    }
    // The guest's block-device disk: allowed, locked, and why.
    expect(box('/dev/sdb').checked).toBe(true);
    expect(box('/dev/sdb').disabled).toBe(true);
    expect(box('/dev/sdb').getAttribute('aria-describedby')).toBeTruthy();
    const why = document.getElementById(box('/dev/sdb').getAttribute('aria-describedby')!)!;
    expect(why.textContent).toMatch(/allowed while this disk is attached to the guest; detach the disk to remove access/);
    // Other host nodes: unchecked, with type, major:minor and description.
    expect(box('/dev/net/tun').checked).toBe(false);
    const tun = document.getElementById(box('/dev/net/tun').getAttribute('aria-describedby')!)!;
    expect(tun.textContent).toContain('char · 10:200 · TUN/TAP network');
    // A default node the host lacks says so.
    const kvm = document.getElementById(box('/dev/kvm').getAttribute('aria-describedby')!)!;
    expect(kvm.textContent).toContain('not present on this host');
    expect(screen.getByRole('heading', { name: 'Always needed' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: /This guest’s disks/ })).toBeTruthy();
    expect(screen.getByRole('heading', { name: /Other host devices/ })).toBeTruthy();
  });

  it('a guest with a NIC on a host bridge has /dev/net/tun always needed: checked, locked, with the engine’s note', async () => {
    const vm = guest('lan', 'running');
    vm.definition.nics = [{ model: 'virtio-net-pci', mac: '52:54:00:12:34:56', bridge: 'br0', forwards: [] }];
    await renderWithEngine(<DevicesTab name="lan" />, new EngineDouble([vm]));
    await waitFor(() => expect(document.getElementById(box('/dev/net/tun').getAttribute('aria-describedby')!)!.textContent).toMatch(/QEMU attaches/));
    expect(box('/dev/net/tun').checked).toBe(true);
    expect(box('/dev/net/tun').disabled).toBe(true);
    const why = document.getElementById(box('/dev/net/tun').getAttribute('aria-describedby')!)!.textContent;
    expect(why).toContain('char · 10:200 · TUN/TAP network');
    expect(why).toContain('for the bridged network cards: QEMU attaches their taps through it');
    expect(why).toContain('allowed while a network card is on a host bridge');
  });

  it('warns when an always-needed device is unchecked', async () => {
    await setup();
    fireEvent.click(box('/dev/urandom'));
    expect(box('/dev/urandom').checked).toBe(false);
    expect(screen.getByText('QEMU may fail to start or run without /dev/urandom')).toBeTruthy();
    expect(screen.getByText('Not applied yet: deny /dev/urandom')).toBeTruthy();
  });

  it('keeps unapplied edits when the user looks at another guest and comes back', async () => {
    const { rerender } = await setup();
    fireEvent.click(box('/dev/urandom'));
    rerender(<DevicesTab name="db" />);
    await screen.findByRole('checkbox', { name: '/dev/net/tun' });
    expect(screen.getByText('No unapplied changes.')).toBeTruthy();
    rerender(<DevicesTab name="web" />);
    expect(await screen.findByText('Not applied yet: deny /dev/urandom')).toBeTruthy();
    expect(box('/dev/urandom').checked).toBe(false);
  });

  it('searches the other host devices by path, description or major:minor', async () => {
    await setup();
    const search = screen.getByRole('searchbox', { name: 'Search host devices' });
    fireEvent.change(search, { target: { value: 'serial' } });
    expect(screen.queryByRole('checkbox', { name: '/dev/net/tun' })).toBeNull();
    expect(box('/dev/ttyS0')).toBeTruthy();
    fireEvent.change(search, { target: { value: '10:200' } });
    expect(box('/dev/net/tun')).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: '/dev/ttyS0' })).toBeNull();
    // The search narrows the third group only.
    expect(box('/dev/null')).toBeTruthy();
  });

  it('applies to the running guest and shows what changed live', async () => {
    const { engine } = await setup();
    // The notice says changes wait for Apply here (the priority slider applies as it is released).
    expect(screen.getByText(/Applied changes reach the running guest at once/)).toBeTruthy();
    fireEvent.click(box('/dev/urandom'));
    fireEvent.click(box('/dev/net/tun'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const status = await screen.findByRole('status');
    expect(engine.callsTo('devices:set')).toEqual([
      { name: 'web', extra: ['/dev/net/tun'], omitDefaults: ['/dev/urandom'], flags: { live: true, config: true } },
    ]);
    expect(status.textContent).toContain('/dev/net/tun allowed live now');
    expect(status.textContent).toContain('/dev/urandom denied live now');
    // The saved definition now matches the checklist: nothing left to apply.
    await waitFor(() => expect(screen.getByText('No unapplied changes.')).toBeTruthy());
    expect(box('/dev/urandom').checked).toBe(false);
    expect(box('/dev/net/tun').checked).toBe(true);
  });

  it('for a shut-off guest, saves for the next start and says so', async () => {
    const { engine } = await setup('shutoff');
    expect(screen.getByText('Saved only')).toBeTruthy();
    fireEvent.click(box('/dev/ttyS0'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const status = await screen.findByRole('status');
    expect(engine.callsTo('devices:set')[0]).toMatchObject({ flags: { config: true } });
    expect(engine.callsTo('devices:set')[0]).not.toHaveProperty('flags.live');
    expect(status.textContent).toContain('/dev/ttyS0 allowed from next start');
  });

  it('reverts unapplied changes', async () => {
    const { engine } = await setup();
    fireEvent.click(box('/dev/zero'));
    fireEvent.click(screen.getByRole('button', { name: 'Revert' }));
    expect(box('/dev/zero').checked).toBe(true);
    expect(engine.callsTo('devices:set')).toEqual([]);
  });

  it('shows the engine’s refusal where the user applied, and keeps the unapplied choice', async () => {
    const { engine } = await setup();
    engine.failNext('devices:set', 'UNSUPPORTED', 'device access control needs the devices controller, which is not mounted');
    fireEvent.click(box('/dev/full'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect((await screen.findByRole('alert')).textContent).toBe('device access control needs the devices controller, which is not mounted');
    expect(box('/dev/full').checked).toBe(false);
    expect(screen.getByText('Not applied yet: deny /dev/full')).toBeTruthy();
  });

  it('keeps unapplied edits when the guest changes state meanwhile', async () => {
    const { engine } = await setup();
    fireEvent.click(box('/dev/net/tun'));
    act(() => engine.emit('vm:state', { name: 'web', state: 'paused' }));
    await waitFor(() => expect(box('/dev/net/tun').checked).toBe(true));
    expect(screen.getByText('Not applied yet: allow /dev/net/tun')).toBeTruthy();
  });
});
