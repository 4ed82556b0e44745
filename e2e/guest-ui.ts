// What the specs do to the window again and again: find a guest's row, open the New guest dialog with a name, make a
// guest by importing an existing image, force a guest off.
import type { Locator, Page } from '@playwright/test';

export const row = (page: Page, name: string): Locator => page.getByRole('listbox', { name: 'Guests' }).getByRole('option', { name, exact: true });

/** Opens the New guest dialog and fills its name and 32 MiB of memory; returns the dialog. */
export async function openNewGuest(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Memory (MiB)').fill('32');
  return dialog;
}

/** Creates a guest from an existing image ("Import an existing disk image") through the New guest dialog, started or not. */
export async function createFromImage(page: Page, name: string, image: string, { start }: { start: boolean }): Promise<void> {
  const dialog = await openNewGuest(page, name);
  await dialog.getByLabel('Import an existing disk image').check();
  await dialog.getByLabel('Image path').fill(image);
  await dialog.getByLabel('Start the guest after creating it').setChecked(start);
  await dialog.getByRole('button', { name: start ? 'Create and start' : 'Create', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Confirms the Force off dialog for the selected guest and waits until it is shut off. */
export async function forceOff(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Force off', exact: true }).click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /Force off/ })
    .click();
  await row(page, name)
    .getByText(/shut off/i)
    .waitFor();
}
