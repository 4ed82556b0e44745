// Keyboard only: create and start a guest and change its priority without touching the mouse. Reading the DOM to see
// where focus is, is the test's eyes; every action is a key press.
import { expect, test } from './fixtures';
import { focusedName, tabTo } from './keys';

test('create, start and re-prioritize a guest with the keyboard alone', async ({ page, served }, info) => {
  const image = served.image('halt', 'kbd.img');
  await page.goto(served.url);

  await tabTo(page, /^New$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await tabTo(page, /^Name$/);
  await page.keyboard.type('kbd');
  await tabTo(page, /^Memory \(MiB\)$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('32');
  await tabTo(page, /^Install from an ISO image$/);
  await page.keyboard.press('ArrowRight'); // radio group: → "Import an existing disk image"
  expect(await focusedName(page)).toBe('Import an existing disk image');
  await tabTo(page, /^Image path$/);
  await page.keyboard.type(image);
  await tabTo(page, /^Start the guest after creating it$/);
  if (!(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked))) await page.keyboard.press('Space');
  await tabTo(page, /^Create and start$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('option', { name: 'kbd', exact: true })).toContainText(/running/i);
  await page.screenshot({ path: info.outputPath('kbd-created.png') });

  // The tab list keeps one tab in the Tab order (the ARIA pattern); arrows move between tabs.
  await tabTo(page, /^Overview$/);
  await page.keyboard.press('ArrowRight');
  expect(await focusedName(page)).toBe('CPU priority');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // off the tab, into its panel
  await tabTo(page, /^CPU priority$/, 80); // the slider of the same name
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('range');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight'); // four quarter octaves = one doubling = 2×
  await expect(page.getByRole('spinbutton', { name: 'cpu_shares' })).toHaveValue('2048');
  await expect.poll(() => served.cgroupFile('kbd', 'cpu', 'cpu.shares').trim()).toBe('2048');
  await page.screenshot({ path: info.outputPath('kbd-2x.png') });
});
