// A running guest's disks are attached and detached from the Settings tab at once: the guest's QEMU opens the image
// (its file descriptors, read from /proc) and lets it go again, and the definition keeps what the tab shows.
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { createFromImage, forceOff } from './guest-ui';
import { openFiles } from '../testing/host-ports';

test('a disk attached to a running guest is opened by its QEMU at once and released on detach', async ({ page, served }) => {
  const boot = served.image('halt', 'boot.img');
  const extra = served.image('halt', 'extra.img');
  await page.goto(served.url);
  await createFromImage(page, 'hot', boot, { start: true });
  await page.getByRole('tab', { name: 'Settings' }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel.getByText('The guest is running')).toBeVisible();

  const client = await connectWsClient(served.url);
  try {
    const { pid } = await client.invoke('vm:get', { name: 'hot' });
    expect(openFiles(pid!)).not.toContain(extra);

    // A path that is not there is refused beside the field, and nothing changes.
    await panel.getByLabel('New disk path').fill(`${extra}.missing`);
    await panel.getByRole('button', { name: 'Attach disk' }).click();
    await expect(panel.getByText(/\.missing' does not exist/)).toBeVisible();
    expect((await client.invoke('vm:get', { name: 'hot' })).definition.disks).toHaveLength(1);

    await panel.getByLabel('New disk path').fill(extra);
    await expect(panel.getByText(/\.missing' does not exist/)).toBeHidden(); // cleared on edit
    await expect(panel.getByLabel('New disk bus')).toHaveValue('scsi');
    await panel.getByLabel('New disk path').press('Enter');
    await expect(panel.getByRole('button', { name: `Detach ${extra}` })).toBeVisible();
    await expect.poll(() => openFiles(pid!)).toContain(extra);
    const after = await client.invoke('vm:get', { name: 'hot' });
    expect(after.definition.disks.map((d) => d.path)).toEqual([boot, extra]);
    expect(after.pending).toBeUndefined(); // live and saved agree: nothing waits for a start

    await panel.getByRole('button', { name: `Detach ${extra}` }).click();
    await expect(panel.getByRole('button', { name: `Detach ${extra}` })).toBeHidden();
    await expect.poll(() => openFiles(pid!)).not.toContain(extra);
    expect((await client.invoke('vm:get', { name: 'hot' })).definition.disks.map((d) => d.path)).toEqual([boot]);
  } finally {
    await client.close();
  }
  await forceOff(page, 'hot');
});
