// A guest can be fixed after it was made: its memory, vCPUs and disk are edited in the Settings tab, the tab says
// they take effect at the next start, and the next start's QEMU has them (its command line, read from /proc).
import { readFileSync } from 'node:fs';
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { createFromImage, forceOff, row } from './guest-ui';

test('memory, vCPUs and disk edited from the Settings tab take effect at the next start', async ({ page, served }) => {
  const first = served.image('halt', 'first.img');
  const second = served.image('halt', 'second.img');
  await page.goto(served.url);
  await createFromImage(page, 'edit', first, { start: false });

  await row(page, 'edit').click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByLabel('Memory (MiB)').fill('');
  // An empty field is "required", not 0; the error sits beside the field and Apply waits.
  await expect(panel.getByText('Memory (MiB) must be a number, not undefined')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeDisabled();
  await panel.getByLabel('Memory (MiB)').fill('48');
  await panel.getByLabel('vCPUs').fill('3'); // not the dialog's default (2, or 1 on a one-CPU host)
  await panel.getByLabel('Disk 1 path').fill(second);
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Saved.' })).toHaveText('Saved. From the next start: memory, vCPUs, disks.');

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(row(page, 'edit')).toContainText(/running/i);
  const client = await connectWsClient(served.url);
  try {
    const vm = await client.invoke('vm:get', { name: 'edit' });
    const argv = readFileSync(`/proc/${vm.pid}/cmdline`, 'utf8').split('\0');
    expect(argv[argv.indexOf('-m') + 1]).toBe('48');
    expect(argv[argv.indexOf('-smp') + 1]).toBe('3');
    expect(argv.join(' ')).toContain(second);
    expect(argv.join(' ')).not.toContain(first);
  } finally {
    await client.close();
  }
  await forceOff(page, 'edit');
});
