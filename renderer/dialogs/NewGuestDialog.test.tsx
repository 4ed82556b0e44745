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

  it('offers defaults for a real OS: 1 GiB, two vCPUs on a two-CPU host, an 8 GiB qcow2 disk, network, display, Auto', async () => {
    const { dialog } = await open();
    expect(within(dialog).getByRole<HTMLInputElement>('radio', { name: 'Install from an ISO image' }).checked).toBe(true);
    expect(within(dialog).getByRole<HTMLInputElement>('spinbutton', { name: 'Memory (MiB)' }).value).toBe('1024');
    expect(within(dialog).getByRole<HTMLInputElement>('spinbutton', { name: 'vCPUs' }).value).toBe('2');
    expect(within(dialog).getByRole<HTMLInputElement>('radio', { name: 'Create a new empty image' }).checked).toBe(true);
    expect(within(dialog).getByRole<HTMLSelectElement>('combobox', { name: 'Format' }).value).toBe('qcow2');
    expect(within(dialog).getByRole<HTMLInputElement>('spinbutton', { name: 'Size (MiB)' }).value).toBe('8192');
    expect(within(dialog).getByRole<HTMLInputElement>('checkbox', { name: /^Network/ }).checked).toBe(true);
    expect(within(dialog).getByRole<HTMLInputElement>('checkbox', { name: /^Display/ }).checked).toBe(true);
    // This host has no KVM: Auto says it means TCG here, and KVM is offered disabled with the engine's reason.
    const accel = within(dialog).getByRole<HTMLSelectElement>('combobox', { name: 'Accelerator' });
    expect(accel.value).toBe('auto');
    expect(within(accel).getByRole<HTMLOptionElement>('option', { name: 'Auto (TCG emulation on this host)' }).selected).toBe(true);
    expect(within(accel).getByRole<HTMLOptionElement>('option', { name: 'KVM (unavailable: /dev/kvm does not exist)' }).disabled).toBe(true);
    expect(within(dialog).getByText('KVM is not available: /dev/kvm does not exist; the guest runs emulated (TCG)')).toBeTruthy();
  });

  it('installs from an ISO: a new image, the ISO in a CD-ROM drive booted first, a NIC, the display; then starts it', async () => {
    const { dialog, engine, store } = await open();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'spin 1' } });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Memory (MiB)' }), { target: { value: '32' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'ISO image' }), { target: { value: 'debian.iso' } });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Size (MiB)' }), { target: { value: '8' } });
    expect(within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'New image file' }).value).toBe('spin-1.qcow2');
    fireEvent.change(within(dialog).getByRole('slider', { name: 'CPU priority' }), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByText(/Extra devices/));
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: '/dev/net/tun' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    // The engine's path rule, beside the field, and the focus on it.
    const iso = within(dialog).getByRole('textbox', { name: 'ISO image' });
    expect(within(dialog).getByText("path 'debian.iso' is not allowed: it is not absolute")).toBeTruthy();
    expect(document.activeElement).toBe(iso);
    expect(engine.callsTo('vm:create')).toEqual([]);
    fireEvent.change(iso, { target: { value: '/srv/debian.iso' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The new image and the definition in one engine operation: a reload half-way leaves a whole guest or nothing.
    expect(engine.callsTo('vm:create')).toEqual([
      {
        definition: {
          name: 'spin 1',
          memoryMiB: 32,
          vcpus: 2,
          disks: [],
          cpu: { shares: 2048 },
          devices: { extra: ['/dev/net/tun'], omitDefaults: [] },
          cdroms: [{ path: '/srv/debian.iso' }],
          boot: { order: ['cdrom', 'disk'] },
          nics: [{ model: 'virtio-net-pci', forwards: [] }],
          vnc: true,
          accel: 'auto',
        },
        newDisk: { fileName: 'spin-1.qcow2', format: 'qcow2', sizeMiB: 8 },
      },
    ]);
    expect(engine.vm('spin 1').definition.disks).toMatchObject([{ path: '/var/lib/cgvirt/images/spin-1.qcow2', format: 'qcow2' }]);
    expect(engine.callsTo('vm:start')).toEqual([{ name: 'spin 1' }]);
    expect(store.getState().selected).toBe('spin 1');
    expect(store.getState().vms['spin 1']!.state).toBe('running');
  });

  it('imports an existing image without a drive, network or display, on TCG, and does not start when asked not to', async () => {
    const { dialog, engine } = await open(new EngineDouble([]));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'halt' } });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Import an existing disk image' }));
    // The image is the guest's disk: no other disk choice, no ISO.
    expect(within(dialog).queryByRole('radio', { name: 'Create a new empty image' })).toBeNull();
    expect(within(dialog).queryByRole('textbox', { name: 'ISO image' })).toBeNull();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Image path' }), { target: { value: 'relative.img' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /^Network/ }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /^Display/ }));
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Accelerator' }), { target: { value: 'tcg' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Start the guest after creating it' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    // The engine's path rule, in its words.
    expect(within(dialog).getByText("path 'relative.img' is not allowed: it is not absolute")).toBeTruthy();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Image path' }), { target: { value: '/srv/halt.img' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(engine.callsTo('vm:create')).toEqual([
      {
        definition: expect.objectContaining({
          name: 'halt',
          disks: [{ path: '/srv/halt.img', format: 'raw' }],
          cdroms: [],
          boot: { order: ['disk', 'cdrom'] },
          nics: [],
          vnc: false,
          accel: 'tcg',
        }),
      },
    ]);
    expect(engine.callsTo('vm:start')).toEqual([]);
  });

  it('boots a kernel directly: the kernel is required, the initrd optional, the command line passed; no disk if asked', async () => {
    const { dialog, engine } = await open(new EngineDouble([]));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'direct' } });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Boot a kernel directly (advanced)' }));
    fireEvent.click(within(dialog).getByRole('radio', { name: 'No disk' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Start the guest after creating it' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    const kernel = within(dialog).getByRole('textbox', { name: 'Kernel' });
    expect(within(dialog).getByText('enter the absolute path of the kernel to boot')).toBeTruthy();
    expect(kernel.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(kernel, { target: { value: '/boot/vmlinuz' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Initrd' }), { target: { value: 'initrd.img' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByText("path 'initrd.img' is not allowed: it is not absolute")).toBeTruthy();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Initrd' }), { target: { value: '/boot/initrd.img' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Kernel command line' }), { target: { value: 'console=ttyS0 quiet' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(engine.callsTo('vm:create')).toEqual([
      {
        definition: expect.objectContaining({
          name: 'direct',
          disks: [],
          cdroms: [],
          boot: { order: ['disk', 'cdrom'], kernel: { kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img', cmdline: 'console=ttyS0 quiet' } },
          nics: [{ model: 'virtio-net-pci', forwards: [] }],
          vnc: true,
        }),
      },
    ]);
  });

  it('shows a refusal that names a field beside it, in the dialog’s words, and offers the ISOs other guests use', async () => {
    const withIso = guest('web', 'shutoff');
    withIso.definition.cdroms = [{ path: '/srv/isos/debian.iso' }];
    const { dialog, engine } = await open(new EngineDouble([withIso]));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'inst' } });
    const iso = within(dialog).getByLabelText<HTMLInputElement>('ISO image');
    expect([...iso.list!.options].map((o) => o.value)).toEqual(['/srv/isos/debian.iso']);
    fireEvent.change(iso, { target: { value: '/srv/isos/gone.iso' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Start the guest after creating it' }));
    engine.failNext('vm:create', 'INVALID_ARG', "cdroms[0].path '/srv/isos/gone.iso' does not exist");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText("ISO image '/srv/isos/gone.iso' does not exist")).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(iso));
    expect(iso.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).queryByRole('alert')).toBeNull();
    // The refusal does not block the next try (the file may be there now); editing the field clears it.
    fireEvent.change(iso, { target: { value: '/srv/isos/debian.iso' } });
    expect(within(dialog).queryByText(/gone.iso/)).toBeNull();
    // A refusal that names no field stays by the buttons.
    engine.failNext('vm:create', 'OPERATION_FAILED', 'cannot create the image: disk full');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Could not create the guest: cannot create the image: disk full');
    expect(engine.callsTo('vm:create')).toHaveLength(2);
  });

  it('puts the network card on a host bridge, and shows the engine’s refusal of the bridge beside it', async () => {
    const { dialog, engine } = await open(new EngineDouble([]));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'lan' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Start the guest after creating it' }));
    const connection = within(dialog).getByRole<HTMLSelectElement>('combobox', { name: 'Connection' });
    expect(connection.value).toBe('nat');
    fireEvent.change(connection, { target: { value: 'bridge' } });
    const bridge = within(dialog).getByRole<HTMLSelectElement>('combobox', { name: 'Host bridge' });
    expect(bridge.value).toBe('br0');
    fireEvent.change(bridge, { target: { value: 'br-lab' } });
    engine.failNext('vm:create', 'INVALID_ARG', "nics[0].bridge 'br-lab' is not a bridge on this host; bridges here: br0");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText("Host bridge 'br-lab' is not a bridge on this host; bridges here: br0")).toBeTruthy();
    expect(bridge.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(bridge, { target: { value: 'br0' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((engine.callsTo('vm:create').at(-1) as { definition: { nics: unknown } }).definition.nics).toEqual([
      { model: 'virtio-net-pci', forwards: [], bridge: 'br0' },
    ]);
  });

  it('offers Bridge disabled with the engine’s reason where it cannot bridge', async () => {
    const reason = 'bridged networking needs a privileged engine (root); this one runs as uid 1000';
    const engine = new EngineDouble([]);
    engine.engine.host = { ...engine.engine.host, features: { ...engine.engine.host.features, bridgedNetwork: { available: false, reason } } };
    const { dialog } = await open(engine);
    const connection = within(dialog).getByRole<HTMLSelectElement>('combobox', { name: 'Connection' });
    expect(within(connection).getByRole<HTMLOptionElement>('option', { name: `Bridge (unavailable: ${reason})` }).disabled).toBe(true);
    expect(connection.value).toBe('nat');
    // No network card, no connection to choose.
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /^Network/ }));
    expect(within(dialog).queryByRole('combobox', { name: 'Connection' })).toBeNull();
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
