// The style stand-ins and their mirror in jsdom. jsdom has constructed style sheets but not document.adoptedStyleSheets:
// the tests give the document a plain array in its place (an adoptedStyleSheets stand-in). That Chromium applies the
// sheets under the page's real policy is the end-to-end test's (e2e/console-and-serial.spec.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorStyleElements, withStyleStandIns } from './xterm-styles';

const doc = document as Document & { adoptedStyleSheets: CSSStyleSheet[] };
afterEach(() => {
  delete (doc as { adoptedStyleSheets?: unknown }).adoptedStyleSheets;
  document.body.replaceChildren();
});

const flush = () => new Promise((r) => setTimeout(r, 0));
const rulesOf = (sheets: readonly CSSStyleSheet[]) => sheets.map((s) => [...s.cssRules].map((r) => r.cssText).join(' '));

describe('xterm style stand-ins', () => {
  it('answer style elements with inert holders while the terminal opens, and only then', () => {
    const before = document.createElement;
    const made = withStyleStandIns(document, () => [document.createElement('style'), document.createElement('div')]);
    expect(made[0]!.tagName).toBe('TEMPLATE');
    expect(made[0]!.hasAttribute('data-cgvirt-style')).toBe(true);
    expect(made[1]!.tagName).toBe('DIV');
    expect(document.createElement('style').tagName).toBe('STYLE');
    expect(document.createElement).toBe(before);
    expect(Object.prototype.hasOwnProperty.call(document, 'createElement')).toBe(false);
    expect(() =>
      withStyleStandIns(document, () => {
        throw new Error('open failed');
      }),
    ).toThrow('open failed');
    expect(document.createElement('style').tagName).toBe('STYLE');
  });

  it('apply their text as constructed sheets, following changes, and take them away with the holder', async () => {
    doc.adoptedStyleSheets = [];
    const root = document.createElement('div');
    document.body.appendChild(root);
    const holder = withStyleStandIns(document, () => document.createElement('style'));
    holder.textContent = '.xterm-fg-1 { color: red; }';
    root.appendChild(holder);
    const stop = mirrorStyleElements(root);
    expect(rulesOf(doc.adoptedStyleSheets)).toEqual(['.xterm-fg-1 { color: red; }']);
    holder.textContent = '.xterm-fg-1 { color: blue; }';
    await flush();
    expect(rulesOf(doc.adoptedStyleSheets)).toEqual(['.xterm-fg-1 { color: blue; }']);
    holder.remove();
    await flush();
    expect(doc.adoptedStyleSheets).toEqual([]);
    const again = withStyleStandIns(document, () => document.createElement('style'));
    again.textContent = '.a { color: green; }';
    root.appendChild(again);
    await flush();
    expect(doc.adoptedStyleSheets).toHaveLength(1);
    stop();
    expect(doc.adoptedStyleSheets).toEqual([]);
  });
});
