// Real operating systems through the window, with the mouse: the GRUB rescue CD installed from its ISO draws its menu
// in the Console tab and answers ↓ sent through noVNC; a kernel-boot busybox guest shows its shell in the Serial tab,
// computes what is typed, and serves a page the host fetches through a loopback port forward set in the Settings tab.
// Both keep their cgroup, priority and device ACL like any guest. Linux runs under TCG (this host's KVM hangs it).
import type { Page } from '@playwright/test';
import { buildBusyboxInitramfs, BUSYBOX_CMDLINE, BUSYBOX_HTTP_MARKER } from '../testing/initramfs';
import { findGrubRescueIso, requireKernel } from '../testing/real-os';
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { forceOff, openNewGuest, row } from './guest-ui';
import { freePort } from '../testing/host-ports';

/** The screen canvas's pixels in a band of rows (fractions of its height), as one string to compare. */
const band = (page: Page, from: number, to: number) =>
  page.evaluate(
    ([a, b]) => {
      const c = document.querySelector<HTMLCanvasElement>('.console-screen canvas');
      if (!c || c.width === 0) return '';
      const y0 = Math.floor(c.height * a!);
      const { data } = c.getContext('2d')!.getImageData(0, y0, c.width, Math.max(1, Math.floor(c.height * b!) - y0));
      let lit = 0;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        const v = data[i]! + data[i + 1]! + data[i + 2]!;
        if (v > 150) lit++;
        sum = (sum * 31 + v) % 1_000_000_007;
      }
      return `${lit}:${sum}`;
    },
    [from, to],
  );
const lit = (sample: string) => Number(sample.split(':')[0] ?? 0);

/** The terminal's rows as drawn. */
const terminalText = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('.serial-terminal .xterm-rows > div')].map((r) => r.textContent?.trimEnd() ?? '').join('\n'));

/** The guest's group keeps its priority and ACL: what any guest gets, real OS or not. */
async function expectConfined(served: { cgroupFile(name: string, controller: string, file: string): string }, name: string, pid: number) {
  expect(served.cgroupFile(name, 'cpu', 'cgroup.procs')).toContain(String(pid));
  expect(served.cgroupFile(name, 'cpu', 'cpu.shares').trim()).toBe('1024');
  const acl = served.cgroupFile(name, 'devices', 'devices.list');
  expect(acl).not.toContain('a *:* rwm'); // deny by default
  expect(acl).toContain('c 1:3 rw'); // /dev/null, a default
}

test('the GRUB rescue CD, installed from its ISO with the mouse, shows its menu in the Console tab and answers ↓', async ({ page, served }) => {
  const iso = findGrubRescueIso();
  expect(iso, 'grub-rescue-pc is installed by scripts/host-deps.mjs').not.toBeNull();
  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'grub');
  await dialog.getByLabel('Memory (MiB)').fill('128');
  await expect(dialog.getByLabel('Install from an ISO image')).toBeChecked();
  await dialog.getByLabel('ISO image', { exact: true }).fill(iso!);
  await dialog.getByLabel('No disk').check();
  await dialog.getByLabel('Accelerator').selectOption('tcg');
  await dialog.getByRole('button', { name: 'Create and start', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expect(row(page, 'grub')).toContainText(/running/i);

  await page.getByRole('tab', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel.getByRole('status')).toHaveText('Connected');
  // The menu is drawn when its area has text and stays the same for a second (SeaBIOS's screen comes and goes first).
  const MENU: [number, number] = [0.08, 0.5];
  let menu = '';
  await expect
    .poll(
      async () => {
        const a = await band(page, ...MENU);
        await page.waitForTimeout(1000);
        const b = await band(page, ...MENU);
        menu = b;
        return a === b && lit(b) > 500;
      },
      { timeout: 60_000, message: 'the GRUB menu is drawn and settles' },
    )
    .toBe(true);
  await page.screenshot({ path: test.info().outputPath('grub-menu.png') });

  // ↓ through noVNC (a click gives the screen the keyboard): the highlighted entry moves, so the menu area changes.
  await panel.getByLabel('Keyboard and mouse of grub').click();
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => band(page, ...MENU), { timeout: 10_000, message: 'the highlighted entry moved' }).not.toBe(menu);
  await page.screenshot({ path: test.info().outputPath('grub-menu-down.png') });

  const client = await connectWsClient(served.url);
  try {
    const vm = await client.invoke('vm:get', { name: 'grub' });
    await expectConfined(served, 'grub', vm.pid!);
  } finally {
    await client.close();
  }
  await forceOff(page, 'grub');
});

test('a kernel-boot busybox guest: its shell in the Serial tab computes 42, and the host fetches its page through a forward', async ({ page, served }) => {
  const kernel = requireKernel();
  const initrd = buildBusyboxInitramfs(served.dirs.root);
  const port = await freePort();
  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'bb');
  await dialog.getByLabel('Memory (MiB)').fill('256');
  await dialog.getByLabel('Boot a kernel directly (advanced)').check();
  await dialog.getByLabel('Kernel', { exact: true }).fill(kernel.vmlinuz);
  await dialog.getByLabel('Initrd').fill(initrd);
  await dialog.getByLabel('Kernel command line').fill(BUSYBOX_CMDLINE);
  await dialog.getByLabel('No disk').check();
  await dialog.getByLabel('Accelerator').selectOption('tcg');
  await dialog.getByLabel('Start the guest after creating it').uncheck();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The forward, from the Settings tab: host loopback port → the guest's httpd on 80.
  await row(page, 'bb').click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByRole('button', { name: 'Add a port forward' }).click();
  const forward = panel.getByRole('group', { name: 'Forward 1' });
  await forward.getByLabel('Host port').fill(String(port));
  await forward.getByLabel('Guest port').fill('80');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(row(page, 'bb')).toContainText(/running/i);
  await page.getByRole('tab', { name: 'Serial' }).click();
  await expect(page.getByRole('tabpanel').getByRole('status')).toHaveText('Connected');
  await expect.poll(() => terminalText(page), { timeout: 90_000, message: 'the shell prompt' }).toMatch(/^~ #/m);
  await page.locator('.serial-terminal').click();
  await page.keyboard.type('echo $((6*7))\n');
  await expect.poll(() => terminalText(page), { timeout: 20_000 }).toMatch(/^42$/m);
  await page.screenshot({ path: test.info().outputPath('busybox-serial.png') });

  // The guest's httpd, reached from the host through 127.0.0.1:<port> (slirp's forward).
  await expect
    .poll(
      async () =>
        (
          await fetch(`http://127.0.0.1:${port}/`)
            .then((r) => r.text())
            .catch(() => '')
        ).includes(BUSYBOX_HTTP_MARKER),
      { timeout: 30_000 },
    )
    .toBe(true);

  const client = await connectWsClient(served.url);
  try {
    const vm = await client.invoke('vm:get', { name: 'bb' });
    expect(vm.definition.nics[0]!.forwards).toEqual([{ protocol: 'tcp', hostPort: port, guestPort: 80 }]);
    await expectConfined(served, 'bb', vm.pid!);
  } finally {
    await client.close();
  }
  await forceOff(page, 'bb');
});
