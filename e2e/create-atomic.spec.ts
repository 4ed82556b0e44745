// Creating a guest is one engine operation: a page reloaded a moment after Create leaves either the whole guest (with
// its new image) or nothing — never an image without a guest, which would block the name — and a disk path that is
// not a usable image is refused when the guest is defined, in words that say which field and why.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { openNewGuest } from './guest-ui';

test('a reload right after Create leaves a whole guest or nothing: no image without its guest', async ({ page, served }) => {
  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'quick');
  await dialog.getByLabel('Create a new empty image').check();
  await dialog.getByLabel('Start the guest after creating it').uncheck();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await page.reload();

  // Whatever the engine had started finishes on its own; then the images directory and the guests agree.
  const client = await connectWsClient(served.url);
  try {
    const images = join(served.dirs.configDir, 'images');
    await expect
      .poll(async () => {
        const used = new Set((await client.invoke('vm:list', {})).flatMap((vm) => vm.definition.disks.map((d) => d.path)));
        return readdirSync(images).filter((f) => !used.has(join(images, f)));
      })
      .toEqual([]);
    const guests = (await client.invoke('vm:list', {})).map((vm) => vm.definition.name);
    if (guests.includes('quick')) await expect(page.getByRole('option', { name: 'quick', exact: true })).toBeVisible();
    else expect(readdirSync(images)).toEqual([]);
  } finally {
    await client.close();
  }
});

test('a disk path that is not a usable image is refused at define, naming the field and why', async ({ page, served }) => {
  await page.goto(served.url);
  const dialog = await openNewGuest(page, 'bad-path');
  await dialog.getByLabel('Import an existing disk image').check();
  await dialog.getByLabel('Image path').fill('/nonexistent/cgvirt-e2e/disk.img');
  await dialog.getByLabel('Start the guest after creating it').uncheck();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  // The engine's refusal beside the field it names, under the field's label, and the focus on it.
  await expect(dialog.getByText("Image path '/nonexistent/cgvirt-e2e/disk.img' does not exist")).toBeVisible();
  await expect(dialog.getByLabel('Image path')).toBeFocused();
  // Nothing was made; the same name is still free, and a directory is refused too.
  await dialog.getByLabel('Image path').fill(served.dirs.root);
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(dialog.getByText(/^Image path '.*' is a directory: a disk is an image file or a block device$/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('option', { name: 'bad-path', exact: true })).toHaveCount(0);
});
