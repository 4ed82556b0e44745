import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Definition, VmInfo } from '../../../shared';
import { EngineDouble } from '../../../testing/page-double';
import { guest } from '../../../testing/fixtures';
import { renderWithEngine } from '../../../testing/render-app';
import { SettingsTab } from './SettingsTab';

afterEach(cleanup);

/** A guest with an ISO in its drive, CD-ROM first, one NIC with an assigned MAC forwarding 2222 → 22. */
function installer(state: VmInfo['state']): VmInfo {
  const vm = guest('inst', state, { disks: ['/srv/inst.qcow2'] });
  Object.assign(vm.definition, {
    cdroms: [{ path: '/srv/debian.iso' }],
    boot: { order: ['cdrom', 'disk'] },
    nics: [{ model: 'virtio-net-pci', mac: '52:54:00:12:34:56', forwards: [{ protocol: 'tcp', hostPort: 2222, guestPort: 22 }] }],
    vnc: true,
  } satisfies Partial<Definition>);
  return vm;
}

async function setup(vm: VmInfo) {
  const engine = new EngineDouble([vm]);
  const view = await renderWithEngine(<SettingsTab name="inst" />, engine);
  return { engine, ...view };
}

const apply = () => fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
const nic = (n: number) => screen.getByRole('group', { name: `NIC ${n}` });
const forward = (n: number, i: number) => within(nic(n)).getByRole('group', { name: `Forward ${i}` });
const lastUpdate = (engine: EngineDouble) => engine.callsTo('vm:update').at(-1) as Definition;

describe('Settings: drives, boot, network, display and accelerator of a shut-off guest', () => {
  it('shows what the guest has: its medium, boot order, NIC with its MAC kept, forwards, display, accelerator', async () => {
    await setup(installer('shutoff'));
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'CD-ROM 1' }).value).toBe('/srv/debian.iso');
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Boot order' }).value).toBe('cdrom');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'Boot a kernel directly' }).checked).toBe(false);
    const mac = within(nic(1)).getByRole<HTMLInputElement>('textbox', { name: 'MAC address' });
    expect(mac.value).toBe('52:54:00:12:34:56');
    expect(mac.readOnly).toBe(true);
    expect(within(forward(1, 1)).getByRole<HTMLInputElement>('spinbutton', { name: 'Host port' }).value).toBe('2222');
    expect(within(forward(1, 1)).getByRole<HTMLInputElement>('spinbutton', { name: 'Guest port' }).value).toBe('22');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /^Display/ }).checked).toBe(true);
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Accelerator' }).value).toBe('auto');
    expect(screen.getAllByText(/Changes apply at the next start/).length).toBeGreaterThan(0);
  });

  it('applies an edited drive list, boot, kernel, NICs, display and accelerator through vm:update', async () => {
    const { engine } = await setup(installer('shutoff'));
    fireEvent.click(screen.getByRole('button', { name: 'Add a CD-ROM drive' }));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Add a CD-ROM drive' }).disabled).toBe(true); // two at most
    fireEvent.change(screen.getByRole('textbox', { name: 'CD-ROM 1' }), { target: { value: '' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'CD-ROM 2' }), { target: { value: '/srv/drivers.iso' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Boot order' }), { target: { value: 'disk' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Boot a kernel directly' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Kernel' }), { target: { value: '/boot/vmlinuz' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Kernel command line' }), { target: { value: 'console=ttyS0' } });
    fireEvent.change(within(nic(1)).getByRole('combobox', { name: 'Model' }), { target: { value: 'e1000' } });
    fireEvent.change(within(forward(1, 1)).getByRole('combobox', { name: 'Protocol' }), { target: { value: 'udp' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a network card' }));
    // A new card's MAC can be typed (or left to cgvirt).
    expect(within(nic(2)).getByRole<HTMLInputElement>('textbox', { name: 'MAC address' }).readOnly).toBe(false);
    fireEvent.change(within(nic(2)).getByRole('textbox', { name: 'MAC address' }), { target: { value: '52:54:00:AA:BB:CC' } });
    fireEvent.click(within(nic(2)).getByRole('button', { name: 'Add a port forward' }));
    fireEvent.change(within(forward(2, 1)).getByRole('spinbutton', { name: 'Host port' }), { target: { value: '8080' } });
    fireEvent.change(within(forward(2, 1)).getByRole('spinbutton', { name: 'Guest port' }), { target: { value: '80' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /^Display/ }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Accelerator' }), { target: { value: 'tcg' } });
    apply();
    await screen.findByText(/^Saved\./);
    expect(lastUpdate(engine)).toMatchObject({
      name: 'inst',
      cdroms: [{}, { path: '/srv/drivers.iso' }],
      boot: { order: ['disk', 'cdrom'], kernel: { kernel: '/boot/vmlinuz', cmdline: 'console=ttyS0' } },
      nics: [
        { model: 'e1000', mac: '52:54:00:12:34:56', forwards: [{ protocol: 'udp', hostPort: 2222, guestPort: 22 }] },
        { model: 'virtio-net-pci', mac: '52:54:00:AA:BB:CC', forwards: [{ protocol: 'tcp', hostPort: 8080, guestPort: 80 }] },
      ],
      vnc: false,
      accel: 'tcg',
    });
    expect(lastUpdate(engine).cdroms[0]).not.toHaveProperty('path');
    expect(engine.vm('inst').definition.nics[1]!.mac).toBe('52:54:00:aa:bb:cc'); // as the engine keeps it
  });

  it('removes a drive, a NIC and a forward', async () => {
    const { engine } = await setup(installer('shutoff'));
    fireEvent.click(within(forward(1, 1)).getByRole('button', { name: 'Remove forward 1' }));
    expect(within(nic(1)).getByText('Nothing forwarded.')).toBeTruthy();
    apply();
    await screen.findByText(/^Saved\./);
    expect(lastUpdate(engine).nics).toEqual([{ model: 'virtio-net-pci', mac: '52:54:00:12:34:56', forwards: [] }]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove CD-ROM 1' }));
    fireEvent.click(within(nic(1)).getByRole('button', { name: 'Remove NIC 1' }));
    expect(screen.getByText('No network cards: the guest is offline.')).toBeTruthy();
    apply();
    await waitFor(() => expect(engine.callsTo('vm:update')).toHaveLength(2));
    expect(lastUpdate(engine)).toMatchObject({ cdroms: [], nics: [] });
  });

  it('says what is wrong beside the field, in the user’s words, and Apply waits: a bad MAC, a port twice, out of range', async () => {
    const { engine } = await setup(installer('shutoff'));
    fireEvent.click(screen.getByRole('button', { name: 'Add a network card' }));
    const mac = within(nic(2)).getByRole('textbox', { name: 'MAC address' });
    fireEvent.change(mac, { target: { value: '01:00:5e:00:00:01' } });
    expect(within(nic(2)).getByText("MAC '01:00:5e:00:00:01' is a multicast address; a NIC needs a unicast one")).toBeTruthy();
    expect(mac.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Apply' }).disabled).toBe(true);
    fireEvent.change(mac, { target: { value: '' } });

    fireEvent.click(within(nic(2)).getByRole('button', { name: 'Add a port forward' }));
    const host = within(forward(2, 1)).getByRole('spinbutton', { name: 'Host port' });
    fireEvent.change(host, { target: { value: '2222' } });
    fireEvent.change(within(forward(2, 1)).getByRole('spinbutton', { name: 'Guest port' }), { target: { value: '22' } });
    expect(within(forward(2, 1)).getByText('host port 2222/tcp is forwarded twice')).toBeTruthy();
    fireEvent.change(host, { target: { value: '70000' } });
    expect(within(forward(2, 1)).getByText("host port '70000' must be an integer in range [1, 65535]")).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Apply' }).disabled).toBe(true);
    fireEvent.change(host, { target: { value: '2223' } });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Apply' }).disabled).toBe(false);

    fireEvent.change(screen.getByRole('textbox', { name: 'CD-ROM 1' }), { target: { value: 'debian.iso' } });
    expect(screen.getByText("path 'debian.iso' is not allowed: it is not absolute")).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: 'CD-ROM 1' }), { target: { value: '/srv/debian.iso' } });
    expect(engine.callsTo('vm:update')).toEqual([]);
  });

  it('puts the engine’s refusal beside the field it names, and moves the focus there', async () => {
    const { engine } = await setup(installer('shutoff'));
    fireEvent.change(screen.getByRole('textbox', { name: 'CD-ROM 1' }), { target: { value: '/srv/gone.iso' } });
    engine.failNext('vm:update', 'INVALID_ARG', "cdroms[0].path '/srv/gone.iso' does not exist");
    apply();
    const field = screen.getByRole('textbox', { name: 'CD-ROM 1' });
    expect(await screen.findByText("CD-ROM 1 '/srv/gone.iso' does not exist")).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(screen.queryByRole('alert')).toBeNull();
    // One that names no field of the form stays by the Apply button.
    engine.failNext('vm:update', 'INVALID_ARG', '2 IDE disks and 3 CD-ROM drives need 5 IDE slots; the machine has 4 (put disks on virtio or scsi)');
    apply();
    expect((await screen.findByRole('alert')).textContent).toMatch(/IDE slots/);
  });
});

describe('Settings: a network card on a host bridge', () => {
  const connection = (n: number) => within(nic(n)).getByRole<HTMLSelectElement>('combobox', { name: 'Connection' });

  it('turns a NAT card into one on a host bridge: the host’s bridges offered, the forwards gone, applied through vm:update', async () => {
    const { engine } = await setup(installer('shutoff'));
    expect(connection(1).value).toBe('nat');
    expect(within(nic(1)).queryByRole('combobox', { name: 'Host bridge' })).toBeNull();
    fireEvent.change(connection(1), { target: { value: 'bridge' } });
    const bridge = within(nic(1)).getByRole<HTMLSelectElement>('combobox', { name: 'Host bridge' });
    // The host's bridges, the first chosen.
    expect(
      within(bridge)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['br0', 'br-lab']);
    expect(bridge.value).toBe('br0');
    fireEvent.change(bridge, { target: { value: 'br-lab' } });
    expect(within(nic(1)).queryByRole('button', { name: 'Add a port forward' })).toBeNull();
    expect(within(nic(1)).queryByRole('group', { name: 'Forward 1' })).toBeNull();
    expect(within(nic(1)).getByText(/No port forwards: they are for NAT/)).toBeTruthy();
    // Back to NAT before applying: the forwards it had come back; Bridge again keeps the bridge chosen.
    fireEvent.change(connection(1), { target: { value: 'nat' } });
    expect(within(forward(1, 1)).getByRole<HTMLInputElement>('spinbutton', { name: 'Host port' }).value).toBe('2222');
    fireEvent.change(connection(1), { target: { value: 'bridge' } });
    expect(within(nic(1)).getByRole<HTMLSelectElement>('combobox', { name: 'Host bridge' }).value).toBe('br-lab');
    apply();
    await screen.findByText(/^Saved\./);
    expect(lastUpdate(engine).nics).toEqual([{ model: 'virtio-net-pci', mac: '52:54:00:12:34:56', bridge: 'br-lab', forwards: [] }]);
  });

  it('puts the engine’s refusal of a bridge beside the Host bridge field, in the user’s words', async () => {
    const vm = installer('shutoff');
    vm.definition.nics = [{ model: 'virtio-net-pci', mac: '52:54:00:12:34:56', bridge: 'br0', forwards: [] }];
    const { engine } = await setup(vm);
    expect(connection(1).value).toBe('bridge');
    engine.failNext('vm:update', 'INVALID_ARG', "nics[0].bridge 'br0' is not a bridge on this host; bridges here: br-lab");
    fireEvent.click(screen.getByRole('checkbox', { name: /^Display/ }));
    apply();
    const bridge = within(nic(1)).getByRole('combobox', { name: 'Host bridge' });
    expect(await within(nic(1)).findByText("Host bridge 'br0' is not a bridge on this host; bridges here: br-lab")).toBeTruthy();
    expect(bridge.getAttribute('aria-invalid')).toBe('true');
  });

  it('where the engine cannot bridge: Bridge is offered disabled with the engine’s reason, and a bridged card says why it cannot work', async () => {
    const reason = 'bridged networking needs a privileged engine (root); this one runs as uid 1000';
    const vm = installer('shutoff');
    const engine = new EngineDouble([vm]);
    engine.engine.host = { ...engine.engine.host, features: { ...engine.engine.host.features, bridgedNetwork: { available: false, reason } } };
    await renderWithEngine(<SettingsTab name="inst" />, engine);
    await waitFor(() =>
      expect(within(connection(1)).getByRole<HTMLOptionElement>('option', { name: `Bridge (unavailable: ${reason})` }).disabled).toBe(true),
    );
    expect(within(connection(1)).getByRole<HTMLOptionElement>('option', { name: 'NAT (user mode)' }).disabled).toBe(false);
    cleanup();

    // A card saved on a bridge (by an engine that could) is shown as it is, with the reason it cannot run here.
    vm.definition.nics = [{ model: 'virtio-net-pci', mac: '52:54:00:12:34:56', bridge: 'br0', forwards: [] }];
    const again = new EngineDouble([vm]);
    again.engine.host = engine.engine.host;
    await renderWithEngine(<SettingsTab name="inst" />, again);
    expect(await within(nic(1)).findByText(`bridged networking is unavailable: ${reason}; choose NAT`)).toBeTruthy();
    expect(connection(1).getAttribute('aria-invalid')).toBe('true');
  });
});

describe('Settings of a running guest', () => {
  it('lists what waits for the next start, and keeps the drives out of the form', async () => {
    const vm = installer('running');
    vm.pending = ['nics', 'boot', 'accel'];
    const { engine } = await setup(vm);
    expect(screen.getByText('Waiting for the next start: network, boot, accelerator.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add a CD-ROM drive' })).toBeNull();
    fireEvent.change(screen.getByRole('combobox', { name: 'Boot order' }), { target: { value: 'disk' } });
    apply();
    await screen.findByText(/^Saved\./);
    expect(lastUpdate(engine)).toMatchObject({ boot: { order: ['disk', 'cdrom'] }, cdroms: [{ path: '/srv/debian.iso' }] });
  });

  it('ejects at once; a locked tray is answered with Force eject', async () => {
    const { engine } = await setup(installer('running'));
    expect(screen.getByText('/srv/debian.iso')).toBeTruthy();
    engine.failNext(
      'vm:media',
      'OPERATION_INVALID',
      "guest 'inst' has locked CD-ROM drive 0 (its operating system holds the tray shut) and was asked to release it; eject the disc from inside the guest, or use force to eject it anyway",
    );
    expect(screen.queryByRole('button', { name: 'Force eject CD-ROM 1' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Eject CD-ROM 1' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/has locked CD-ROM drive 0/);
    fireEvent.click(screen.getByRole('button', { name: 'Force eject CD-ROM 1' }));
    await waitFor(() => expect(engine.callsTo('vm:media')).toHaveLength(2));
    expect(engine.callsTo('vm:media')).toEqual([
      { name: 'inst', drive: 0 },
      { name: 'inst', drive: 0, force: true },
    ]);
  });

  it('inserts a medium at once and shows what the engine kept', async () => {
    const vm = installer('running');
    vm.definition.cdroms = [{}];
    const { engine } = await setup(vm);
    // The fake engine does not model vm:media: this test gives it the engine's answer (the definition keeps the medium).
    Object.assign(engine.engine, {
      vmMedia: async ({ name, drive, path }: { name: string; drive: number; path?: string }) => {
        const info = engine.engine.vm(name);
        info.definition.cdroms[drive] = path ? { path } : {};
        return structuredClone(info);
      },
    });
    expect(screen.getByText('empty')).toBeTruthy();
    const medium = screen.getByRole('textbox', { name: 'ISO for CD-ROM 1' });
    fireEvent.change(medium, { target: { value: '/srv/debian.iso' } });
    fireEvent.keyDown(medium, { key: 'Enter' });
    expect(await screen.findByText('/srv/debian.iso')).toBeTruthy();
    expect(engine.callsTo('vm:media')).toEqual([{ name: 'inst', drive: 0, path: '/srv/debian.iso' }]);
    expect(engine.callsTo('vm:update')).toEqual([]);
    expect(screen.getByRole('button', { name: 'Change the medium of CD-ROM 1' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Eject CD-ROM 1' }));
    expect(await screen.findByText('empty')).toBeTruthy();
  });
});
