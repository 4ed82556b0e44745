// A start that hangs (a QEMU stopped with SIGSTOP before its monitor answers: the stand-in of testing/hanging-qemu.ts
// for guests named hang…) can be stopped from the window: Force off is offered while the guest is starting, and it
// kills the stuck process and removes its group. Then the guest starts again like any other.
import { expect, test } from './fixtures';
import { openNewGuest, row } from './guest-ui';

test('Force off stops a guest stuck in starting, and leaves no group behind', async ({ page, served }) => {
  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'hang-1');
  await dialog.getByLabel('Use an existing image').check();
  await dialog.getByLabel('Image path').fill(served.image('halt', 'hang-1.img'));
  await dialog.getByLabel('Start the guest after creating it').uncheck();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(dialog).toBeHidden();

  await row(page, 'hang-1').click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(row(page, 'hang-1')).toContainText(/starting/i);
  await expect.poll(() => served.groupExists('hang-1')).toBe(true);

  const forceOff = page.getByRole('button', { name: 'Force off', exact: true });
  await expect(forceOff).toHaveAttribute('aria-disabled', 'false');
  await forceOff.click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /Force off/ })
    .click();
  await expect(row(page, 'hang-1')).toContainText(/shut off/i);
  // The start that was waiting says why it ended.
  await expect(page.getByRole('alert').filter({ hasText: 'forced off while it started' })).toBeVisible();
  expect(served.groupExists('hang-1')).toBe(false);
});
