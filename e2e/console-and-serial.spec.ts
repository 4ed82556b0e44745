// A guest's screen and serial port in the built page against the real engine: noVNC draws what QEMU's VNC server
// shows (SeaBIOS's text screen), the terminal shows what the echo guest printed before anyone looked (the scrollback)
// and echoes what the user types, both connect again by themselves when the guest starts again, and a keyboard user
// reaches each console with Tab and leaves it with Ctrl+Alt+Shift. The page runs under the real Content Security
// Policy: neither console may need anything it refuses.
import type { Page } from '@playwright/test';
import { connectWsClient } from '../testing/ws-client';
import { expect, test } from './fixtures';
import { forceOff, row } from './guest-ui';
import { focusedName, tabTo } from './keys';

/** Defines a guest on `image` over the page's API (the New guest dialog is not what this spec is about). */
async function define(url: string, name: string, image: string, vnc: boolean) {
  const client = await connectWsClient(url);
  try {
    await client.invoke('vm:define', { name, memoryMiB: 32, vcpus: 1, disks: [{ path: image, format: 'raw', readonly: false, bus: 'virtio' }], vnc });
    await client.invoke('vm:start', { name });
  } finally {
    await client.close();
  }
}

/**
 * Every refusal of the page's Content Security Policy, as the page saw them. zod probes once whether it may compile
 * (`Function('')`, refused: script-src has no 'unsafe-eval') when the page first validates a reply; the spec empties
 * the list after the guest list has loaded, so what it holds is what the consoles (loaded with their tabs) caused.
 */
async function cspViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('cgvirtCspViolation', (v: string) => seen.push(v));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { cgvirtCspViolation(v: string): void }).cgvirtCspViolation(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      ),
    ),
  );
  return seen;
}

/** How many of the screen canvas's pixels are not (near) black: SeaBIOS's text is light grey on black. */
const litPixels = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.console-screen canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 300) lit++;
    return lit;
  });

/** The terminal's rows as drawn, without the empty ones. */
const terminalText = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.serial-terminal .xterm-rows > div')]
      .map((r) => r.textContent?.trimEnd() ?? '')
      .filter(Boolean)
      .join('\n'),
  );

test('the Console tab shows the guest’s screen, scales it, and connects again when the guest starts again', async ({ page, served }) => {
  const violations = await cspViolations(page);
  await define(served.url, 'screen', served.image('halt', 'screen.img'), true);
  await page.goto(served.url);
  await row(page, 'screen').click();
  violations.length = 0;
  await page.getByRole('tab', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel.getByRole('region', { name: 'Screen of screen' })).toBeVisible();
  await expect(panel.getByRole('status')).toHaveText('Connected');
  await expect.poll(() => litPixels(page), { timeout: 20_000 }).toBeGreaterThan(200);

  // Scaled to fit by default; 1:1 draws the guest's pixels at their size.
  const sizes = () =>
    page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.console-screen canvas')!;
      return { css: c.getBoundingClientRect().width, own: c.width };
    });
  await expect.poll(async () => Math.abs((await sizes()).css - (await sizes()).own)).toBeGreaterThan(2);
  await panel.getByRole('checkbox', { name: 'Scale to fit' }).uncheck();
  await expect.poll(async () => Math.abs((await sizes()).css - (await sizes()).own)).toBeLessThan(1);
  await panel.getByRole('checkbox', { name: 'Scale to fit' }).check();
  await expect(panel.getByRole('button', { name: 'Send Ctrl+Alt+Del' })).toBeEnabled();
  await panel.getByRole('button', { name: 'Send Ctrl+Alt+Del' }).click();

  // A keyboard user: Tab reaches the screen, every key then goes to the guest (Tab too), Ctrl+Alt+Shift leaves it.
  await panel.getByRole('checkbox', { name: 'Scale to fit' }).focus();
  await tabTo(page, /^Keyboard and mouse of screen$/, 10);
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Keyboard and mouse of screen');
  await page.keyboard.press('Control+Alt+Shift');
  expect(await focusedName(page)).toBe('Scale to fit');

  await forceOff(page, 'screen');
  await expect(panel.getByText('The guest is shut off: start it to see its screen')).toBeVisible();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });
  await expect.poll(() => litPixels(page), { timeout: 20_000 }).toBeGreaterThan(200);
  expect(violations).toEqual([]);
  await forceOff(page, 'screen');
});

test('the Serial tab shows what the guest printed before, echoes what is typed, and starts afresh with the guest', async ({ page, served }) => {
  const violations = await cspViolations(page);
  await define(served.url, 'tty', served.image('echo', 'tty.img'), false);
  await page.goto(served.url);
  await row(page, 'tty').click();
  violations.length = 0;
  await page.getByRole('tab', { name: 'Console' }).click();
  const panel = page.getByRole('tabpanel');
  await expect(panel.getByText('This guest has no display (it was created without one): see its Serial tab')).toBeVisible();

  await page.getByRole('tab', { name: 'Serial' }).click();
  await expect(panel.getByRole('region', { name: 'Serial console of tty' })).toBeVisible();
  await expect(panel.getByRole('status')).toHaveText('Connected');
  // The banner was printed at boot, before the tab opened: it comes from the scrollback.
  await expect.poll(() => terminalText(page)).toContain('cgvirt-echo');

  // Tab reaches the terminal; typed text (UTF-8, é is two bytes) comes back from the guest.
  await panel.getByRole('checkbox', { name: 'Screen reader mode' }).focus();
  await tabTo(page, /^Keyboard of tty's serial port$/, 10);
  await page.keyboard.type('hello é');
  await expect.poll(() => terminalText(page)).toBe('cgvirt-echo\nhello é');
  await page.keyboard.press('Tab'); // to the guest, not to the next control
  expect(await focusedName(page)).toBe("Keyboard of tty's serial port");
  await page.keyboard.press('Control+Alt+Shift');
  expect(await focusedName(page)).toBe('Screen reader mode');

  await forceOff(page, 'tty');
  await expect(panel.getByText(/^The guest is shut off: start it to see its serial console\. Below: its output until it stopped\.$/)).toBeVisible();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });
  await expect.poll(() => terminalText(page), { timeout: 20_000 }).toBe('cgvirt-echo');
  expect(violations).toEqual([]);
  await forceOff(page, 'tty');
});

test('a console lost because serve restarted connects again by itself when the page’s connection is back', async ({ page, served }) => {
  await define(served.url, 'keep', served.image('echo', 'keep.img'), true);
  await page.goto(served.url);
  await row(page, 'keep').click();
  const panel = page.getByRole('tabpanel');
  for (const tab of ['Serial', 'Console']) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(panel.getByRole('status')).toHaveText('Connected');
    await served.stop(); // guests keep running
    await expect(panel.getByRole('status')).toContainText('Disconnected');
    await served.start();
    await expect(panel.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });
  }
  await expect(page.getByRole('tab', { name: 'Console' })).toHaveAttribute('aria-selected', 'true');
  await forceOff(page, 'keep');
});
