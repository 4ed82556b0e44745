// serve stopped and started again with the page open (a user restarting it): the page reconnects by itself — the
// token and port are kept between runs — and shows the same guests and the graphs from before; while serve is down,
// the figures are marked stale and every action is disabled and says why.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openNewGuest, row } from './guest-ui';

/** How many samples the guest's sparkline draws. */
const samples = (page: Page, name: string) =>
  row(page, name)
    .locator('.sparkline__line')
    .getAttribute('d')
    .then((d) => (d ? d.split(/[ML]/).filter(Boolean).length : 0));

test('serve restarts with the page open: it reconnects by itself, with the same guests and graphs; while down nothing can be done', async ({
  page,
  served,
}) => {
  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'keep');
  await dialog.getByLabel('Use an existing image').check();
  await dialog.getByLabel('Image path').fill(served.image('spin', 'keep.img'));
  await dialog.getByLabel('Start the guest after creating it').check();
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page, 'keep')).toContainText(/running/i);
  await expect.poll(() => samples(page, 'keep'), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
  const before = await samples(page, 'keep');

  await served.stop();
  await expect(page.getByRole('alert', { name: 'Connection' })).toBeVisible();
  const forceOff = page.getByRole('button', { name: 'Force off', exact: true });
  await expect(forceOff).toHaveAttribute('aria-disabled', 'true');
  await expect(forceOff).toHaveAttribute('title', /not connected to the cgvirt engine/);
  await expect(page.getByRole('button', { name: 'New', exact: true })).toHaveAttribute('aria-disabled', 'true');
  await expect(row(page, 'keep')).toContainText('(stale)');

  const url = await served.start();
  expect(url).toBe(served.url);
  await expect(page.getByRole('alert', { name: 'Connection' })).toBeHidden({ timeout: 20_000 });
  await expect(row(page, 'keep')).toContainText(/running/i);
  await expect(row(page, 'keep')).not.toContainText('(stale)');
  await expect(forceOff).toHaveAttribute('aria-disabled', 'false');
  // The graph goes on from where it was: the samples from before the restart are still drawn.
  await expect.poll(() => samples(page, 'keep'), { timeout: 10_000 }).toBeGreaterThan(before);

  await forceOff.click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /Force off/ })
    .click();
  await expect(row(page, 'keep')).toContainText(/shut off/i);
});
