// A keyboard user's eyes and hands: the name of what has the focus, and Tab pressed until it reaches a control.
import type { Page } from '@playwright/test';

/** The accessible name of the focused element, roughly as a screen reader would read it. */
export const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const labelled = el.getAttribute('aria-labelledby');
    const byId = labelled
      ? labelled
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
      : '';
    const label = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
    return (el.getAttribute('aria-label') || byId || label || el.textContent || '').trim();
  });

/** Presses Tab until the focused element's name matches, as a keyboard user would. */
export const tabTo = (page: Page, name: RegExp, max = 60) => pressTo(page, 'Tab', name, max);

/** Presses `key` until the focused element's name matches (arrows in a toolbar or a tab list). */
export async function pressTo(page: Page, key: string, name: RegExp, max = 12) {
  for (let i = 0; i < max; i++) {
    if (name.test(await focusedName(page))) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${name} (focus is on '${await focusedName(page)}')`);
}
