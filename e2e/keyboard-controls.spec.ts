// Keyboard only, every control the editing work added: sorting the list, the Settings tab (form and live disks),
// Reboot, Force off and Delete with its "also delete its image" box; and Escape closes each dialog after an error.
// Reading the DOM and the engine is the test's eyes; every action is a key press.
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { row } from './guest-ui';
import { focusedName, pressTo, tabTo } from './keys';

const checked = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement).checked);
const order = (page: Page) => page.getByRole('listbox', { name: 'Guests' }).getByRole('option').allTextContents();

/** The New guest dialog from the keyboard: name, 32 MiB, an existing image (or a new empty one), started or not. */
async function createGuest(page: Page, name: string, { image, start }: { image?: string; start: boolean }) {
  await tabTo(page, /^New$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await tabTo(page, /^Name$/);
  await page.keyboard.type(name);
  await tabTo(page, /^Memory \(MiB\)$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('32');
  if (image) {
    await tabTo(page, /^Install from an ISO image$/);
    await page.keyboard.press('ArrowRight'); // → "Import an existing disk image"
    await tabTo(page, /^Image path$/);
    await page.keyboard.type(image);
  }
  await tabTo(page, /^Start the guest after creating it$/);
  if ((await checked(page)) !== start) await page.keyboard.press('Space');
  await tabTo(page, start ? /^Create and start$/ : /^Create$/);
  await page.keyboard.press('Enter');
}

/** Focus into the toolbar (its first button), then arrows to the one named. */
async function toolbarTo(page: Page, name: RegExp) {
  await page.getByRole('listbox', { name: 'Guests' }).focus(); // a known place to Tab on from: the toolbar comes first
  await page.keyboard.press('Shift+Tab');
  await pressTo(page, 'Shift+Tab', /^New$/, 20);
  await pressTo(page, 'ArrowRight', name);
}

/** Selects a guest in the list with the arrow keys. */
async function selectGuest(page: Page, name: string) {
  await page.getByRole('listbox', { name: 'Guests' }).focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 5 && (await row(page, name).getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown');
  await expect(row(page, name)).toHaveAttribute('aria-selected', 'true');
}

test('every new control is reachable by keyboard, and Escape closes each dialog after an error', async ({ page, served }) => {
  const image = served.image('halt', 'keys.img');
  const extra = served.image('halt', 'keys-extra.img');
  await page.goto(served.url);

  // New guest: a path that is not there fails at Create; the error is shown and Escape still closes the dialog.
  await createGuest(page, 'c-bad', { image: `${image}.missing`, start: false });
  await expect(page.getByRole('dialog').getByText(/\.missing' does not exist/)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(row(page, 'c-bad')).toHaveCount(0);

  await createGuest(page, 'a-own', { start: false }); // a new empty image, in cgvirt's images directory
  await expect(page.getByRole('dialog')).toBeHidden();
  await createGuest(page, 'b-run', { image, start: true });
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(row(page, 'b-run')).toContainText(/running/i);

  // Sorting: the column buttons are in the Tab order; Enter sorts, and again turns the order round.
  expect(await order(page)).toEqual([expect.stringContaining('a-own'), expect.stringContaining('b-run')]);
  await page.getByRole('listbox', { name: 'Guests' }).focus();
  await pressTo(page, 'Shift+Tab', /^State/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /^State/ })).toHaveAttribute('aria-pressed', 'true');
  expect(await order(page)).toEqual([expect.stringContaining('b-run'), expect.stringContaining('a-own')]);
  await page.keyboard.press('Enter');
  expect(await order(page)).toEqual([expect.stringContaining('a-own'), expect.stringContaining('b-run')]);

  // The Settings tab of the running guest: a form field applied with Enter, then a disk attached and detached at once.
  await selectGuest(page, 'b-run');
  await tabTo(page, /^Overview$/);
  await pressTo(page, 'ArrowRight', /^Settings$/);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await tabTo(page, /^Memory \(MiB\)$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('48');
  await page.keyboard.press('Enter'); // submits the form: Apply
  await expect(page.getByRole('tabpanel').getByRole('status').filter({ hasText: 'Saved.' })).toHaveText('Saved. From the next start: memory.');
  await tabTo(page, /^New disk path$/);
  await page.keyboard.type(extra);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: `Detach ${extra}` })).toBeVisible();
  await tabTo(page, new RegExp(`^Detach ${extra.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: `Detach ${extra}` })).toBeHidden();

  const client = await connectWsClient(served.url);
  try {
    // Reboot from the toolbar: the guest stays running, its trail says it was reset.
    await toolbarTo(page, /^Reboot$/);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await client.invoke('vm:log', { name: 'b-run' })).lines.join('\n')).toContain('reset (reboot)');
    await expect(row(page, 'b-run')).toContainText(/running/i);

    // Force off with the engine gone: the confirm fails, says so, and Escape closes the dialog.
    await toolbarTo(page, /^Force off$/);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alertdialog')).toBeVisible();
    expect(await focusedName(page)).toBe('Cancel'); // the safe answer first
    await served.stop();
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Force off');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alertdialog').getByRole('alert')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('alertdialog')).toBeHidden();
  } finally {
    await client.close();
  }
  await served.start();
  await expect(row(page, 'b-run')).toContainText(/running/i); // reconnected: the guest outlived the engine
  await toolbarTo(page, /^Force off$/);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(row(page, 'b-run')).toContainText(/shut off/i);

  // Delete, with the box that also deletes the image cgvirt made for it.
  const after = await connectWsClient(served.url);
  const own = (await after.invoke('vm:get', { name: 'a-own' })).definition.disks[0]!.path;
  await after.close();
  expect(existsSync(own)).toBe(true);
  await selectGuest(page, 'a-own');
  // First with the engine gone: the error shows, Escape closes the dialog, and nothing was deleted.
  await toolbarTo(page, /^Delete$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await served.stop();
  await tabTo(page, /^Delete guest$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alertdialog').getByRole('alert')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('alertdialog')).toBeHidden();
  await served.start();
  await expect(row(page, 'a-own')).toContainText(/shut off/i);
  expect(existsSync(own)).toBe(true);

  await selectGuest(page, 'a-own');
  await toolbarTo(page, /^Delete$/);
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeEnabled();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await tabTo(page, /^Also delete its image/);
  await page.keyboard.press('Space');
  expect(await checked(page)).toBe(true);
  await tabTo(page, /^Delete guest$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alertdialog')).toBeHidden();
  await expect(row(page, 'a-own')).toHaveCount(0);
  expect(existsSync(own)).toBe(false);
});
