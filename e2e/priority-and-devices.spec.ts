// Issue 5's walk-through, in Debian's Chromium against `serve` with the real engine, real cgroups and real QEMU spin
// guests: create two guests from the dialog and start them, drag one's priority to 2× (cpu.shares on disk) and see
// the truth on this 2-CPU host: two 1-vCPU spin guests each get a whole CPU, whatever their priorities (the contention
// model; its numbers are checked against the kernel in renderer/model/contention.int.test.ts), take /dev/urandom away
// from the other (and devices.list on disk),
// force both off. Each step is photographed in light and dark.
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { row } from './guest-ui';

async function snap(page: Page, info: TestInfo, step: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: info.outputPath(`${step}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function createGuest(page: Page, name: string, imagePath: string) {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Memory (MiB)').fill('32');
  await dialog.getByLabel('vCPUs').fill('1');
  await dialog.getByLabel('Use an existing image').check();
  await dialog.getByLabel('Image path').fill(imagePath);
  await dialog.getByLabel('Start the guest after creating it').check();
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog).toBeHidden();
}

test('two guests: priority 2× writes cpu.shares 2048 and, on two CPUs, each still gets a whole one; /dev/urandom denied live; force off cleans up', async ({
  page,
  served,
}, info) => {
  await page.goto(served.url);
  await expect(page.getByRole('button', { name: 'New', exact: true })).toBeVisible();
  await snap(page, info, '01-empty');

  await createGuest(page, 'alpha', served.image('spin', 'alpha.img'));
  await createGuest(page, 'beta', served.image('spin', 'beta.img'));
  await expect(row(page, 'alpha')).toContainText(/running/i);
  await expect(row(page, 'beta')).toContainText(/running/i);
  await snap(page, info, '02-two-running');

  // Guest A's slider, dragged with the mouse from 1× to 2×.
  await row(page, 'alpha').click();
  await page.getByRole('tab', { name: 'CPU priority' }).click();
  const slider = page.getByRole('slider', { name: 'CPU priority' });
  await expect(slider).toBeVisible();
  const box = (await slider.boundingBox())!;
  const [min, max, value] = await slider.evaluate((el: HTMLInputElement) => [Number(el.min), Number(el.max), Number(el.value)]);
  const xAt = (v: number) => box.x + ((v - min) / (max - min)) * box.width;
  await page.mouse.move(xAt(value), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(xAt(1), box.y + box.height / 2, { steps: 10 }); // log2(2×) = 1
  await page.mouse.up();
  await expect(page.getByRole('spinbutton', { name: 'cpu_shares' })).toHaveValue('2048');
  await expect(page.getByTestId('share-alpha')).toHaveText('100%');
  await expect(page.getByTestId('share-beta')).toHaveText('100%');
  await expect.poll(() => served.cgroupFile('alpha', 'cpu', 'cpu.shares').trim()).toBe('2048');
  expect(served.cgroupFile('beta', 'cpu', 'cpu.shares').trim()).toBe('1024');
  await snap(page, info, '03-alpha-2x');

  // Guest B loses /dev/urandom, live.
  await row(page, 'beta').click();
  await page.getByRole('tab', { name: 'Devices' }).click();
  const urandom = page.getByRole('checkbox', { name: '/dev/urandom', exact: true });
  await expect(urandom).toBeChecked();
  await urandom.uncheck();
  await page.getByRole('button', { name: /^Apply/ }).click();
  await expect(page.getByRole('status').filter({ hasText: '/dev/urandom' })).toBeVisible();
  await expect.poll(() => served.cgroupFile('beta', 'devices', 'devices.list')).not.toContain('c 1:9 ');
  expect(served.cgroupFile('beta', 'devices', 'devices.list')).toContain('c 1:3 rw');
  expect(served.cgroupFile('alpha', 'devices', 'devices.list')).toContain('c 1:9 rw');
  await snap(page, info, '04-beta-no-urandom');

  // Force off both.
  for (const name of ['alpha', 'beta']) {
    await row(page, name).click();
    await page.getByRole('button', { name: 'Force off', exact: true }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: /Force off/ })
      .click();
    await expect(row(page, name)).toContainText(/shut off/i);
  }
  expect(served.groupExists('alpha')).toBe(false);
  expect(served.groupExists('beta')).toBe(false);
  await snap(page, info, '05-both-off');
});
