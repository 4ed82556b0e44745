// Installing from an ISO as a virt-manager user does: the New guest dialog's "Install from an ISO image" makes a guest
// whose QEMU has the ISO in an IDE CD-ROM drive (read-only) booted before its new disk, with the dialog's default NIC
// and display; the Settings tab then ejects the medium of the running guest at once (QEMU lets go of the file) and
// inserts it again. QEMU's command line and open files are read from /proc: the window is not taken at its word.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { forceOff, openNewGuest, row } from './guest-ui';
import { openFiles } from '../testing/host-ports';

/** Debian's grub-rescue-pc (testing/real-os.ts finds it for the real-OS tests): a bootable CD, when installed. */
const GRUB_RESCUE_ISO = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

/** The JSON values QEMU got after each `flag` (-device, -blockdev), parsed. */
const jsonArgs = (argv: string[], flag: string) =>
  argv.flatMap((a, i) => (a === flag && argv[i + 1]?.startsWith('{') ? [JSON.parse(argv[i + 1]!) as Record<string, unknown>] : []));

test('a guest installed from an ISO boots its CD-ROM first, and the Settings tab ejects and inserts the medium live', async ({ page, served }) => {
  // An ISO the test owns: the GRUB rescue CD when this host has it (a real bootable CD), else any file named .iso.
  const iso = join(served.dirs.root, 'install.iso');
  if (existsSync(GRUB_RESCUE_ISO)) copyFileSync(GRUB_RESCUE_ISO, iso);
  else writeFileSync(iso, Buffer.alloc(64 * 2048));

  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'inst');
  await expect(dialog.getByLabel('Install from an ISO image')).toBeChecked();
  await dialog.getByLabel('ISO image', { exact: true }).fill(iso);
  await expect(dialog.getByLabel('Create a new empty image')).toBeChecked();
  await expect(dialog.getByLabel('Size (MiB)')).toHaveValue('8192');
  await expect(dialog.getByLabel(/^Network/)).toBeChecked();
  await expect(dialog.getByLabel(/^Display/)).toBeChecked();
  await dialog.getByRole('button', { name: 'Create and start', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expect(row(page, 'inst')).toContainText(/running/i);

  const client = await connectWsClient(served.url);
  try {
    const vm = await client.invoke('vm:get', { name: 'inst' });
    expect(vm.definition.cdroms).toEqual([{ path: iso }]);
    expect(vm.definition.boot.order).toEqual(['cdrom', 'disk']);
    const pid = vm.pid!;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

    // The ISO as a read-only block node, on an IDE CD-ROM device that boots first; the new disk boots second.
    const cdNode = jsonArgs(argv, '-blockdev').find((b) => (b.file as { filename?: string } | undefined)?.filename === iso);
    expect(cdNode).toMatchObject({ driver: 'raw', 'read-only': true, file: { driver: 'file', 'read-only': true } });
    const devices = jsonArgs(argv, '-device');
    const cd = devices.find((d) => d.driver === 'ide-cd');
    expect(cd).toMatchObject({ id: 'cdrom0', drive: cdNode!['node-name'], bootindex: 1 });
    const disk = devices.find((d) => d.driver === 'virtio-blk-pci');
    expect(disk).toMatchObject({ bootindex: 2 });
    // The dialog's defaults: one virtio NIC on user-mode NAT, and the display.
    expect(argv[argv.indexOf('-netdev') + 1]).toMatch(/^user,id=net0$/);
    expect(devices.find((d) => d.driver === 'virtio-net-pci')).toBeTruthy();
    expect(argv).toContain('-vnc');
    await expect.poll(() => openFiles(pid)).toContain(iso);

    // Eject from the Settings tab: at once, on the running guest, and kept in its definition.
    await page.getByRole('tab', { name: 'Settings' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('button', { name: 'Eject CD-ROM 1' }).click();
    // A guest that locked its tray (GRUB reading the CD may) is answered with Force eject.
    const force = panel.getByRole('button', { name: 'Force eject CD-ROM 1' });
    const ejected = panel.getByRole('button', { name: 'Insert into CD-ROM 1' });
    await expect(force.or(ejected)).toBeVisible();
    if (await force.isVisible()) await force.click();
    await expect(ejected).toBeVisible();
    // The drive is empty to the guest only if QEMU lets go of the file too: a node made by -blockdev at start outlives
    // `eject` until the engine deletes it (blockdev-del), so this fails while it does not.
    await expect.poll(() => openFiles(pid), { message: 'QEMU still holds the ejected ISO open' }).not.toContain(iso);
    expect((await client.invoke('vm:get', { name: 'inst' })).definition.cdroms).toEqual([{}]);

    // Insert it again: QEMU opens the file, the definition has it.
    await panel.getByLabel('ISO for CD-ROM 1').fill(iso);
    await panel.getByLabel('ISO for CD-ROM 1').press('Enter');
    await expect(panel.getByRole('button', { name: 'Change the medium of CD-ROM 1' })).toBeVisible();
    await expect.poll(() => openFiles(pid)).toContain(iso);
    const after = await client.invoke('vm:get', { name: 'inst' });
    expect(after.definition.cdroms).toEqual([{ path: iso }]);
    expect(after.pid).toBe(pid); // the same QEMU: nothing restarted
  } finally {
    await client.close();
  }
  await forceOff(page, 'inst');
});
