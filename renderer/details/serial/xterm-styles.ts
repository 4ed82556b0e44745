// xterm.js's DOM renderer writes the terminal's colours, font and cell layout into three <style> elements that it
// creates inside the terminal when it opens. The page's Content Security Policy (electron/ipc/csp.ts: style-src
// 'self') refuses inline style elements: their rules would never apply, and Chromium would log a refusal at every
// change of them (dozens per terminal opened). So, while the terminal opens, the style elements xterm asks for are
// inert stand-ins that only hold text (a <template>, which is never rendered: xterm only sets their textContent and
// removes them), and their text is applied as constructed style sheets on the document, which the policy does not
// govern (the CSSOM, like element.style), following every change. The policy stays as strict as it is. What this cannot
// carry: truecolor (24-bit) cell colours, which xterm sets as style attributes, and so stay refused.

/** Marks the stand-ins (and any real style element in the terminal) whose text is applied as a constructed sheet. */
const STAND_IN = 'data-cgvirt-style';
const HOLDERS = `[${STAND_IN}], style`;

/**
 * Runs `open` (xterm's Terminal.open) with the document's createElement answering 'style' with an inert stand-in;
 * the document's createElement is its own again afterwards, whatever `open` did.
 */
export function withStyleStandIns<T>(doc: Document, open: () => T): T {
  type CreateElement = (tag: string, options?: ElementCreationOptions) => HTMLElement;
  const patchable = doc as unknown as { createElement: CreateElement };
  const own = Object.prototype.hasOwnProperty.call(doc, 'createElement');
  const original = patchable.createElement;
  patchable.createElement = (tag, options) => {
    if (tag.toLowerCase() !== 'style') return original.call(doc, tag, options);
    const holder = original.call(doc, 'template');
    holder.setAttribute(STAND_IN, '');
    return holder;
  };
  try {
    return open();
  } finally {
    if (own) patchable.createElement = original;
    else delete (doc as { createElement?: unknown }).createElement;
  }
}

/** Applies the text of every style holder under `root` as a constructed sheet, until the returned function is called. */
export function mirrorStyleElements(root: HTMLElement): () => void {
  const doc = root.ownerDocument;
  const canConstruct =
    typeof CSSStyleSheet === 'function' && typeof CSSStyleSheet.prototype.replaceSync === 'function' && Array.isArray(doc.adoptedStyleSheets);
  if (!canConstruct || typeof MutationObserver !== 'function') return () => {};

  const copies = new Map<Element, { sheet: CSSStyleSheet; text: string }>();
  const sync = () => {
    const present = new Set(root.querySelectorAll(HOLDERS));
    const added: CSSStyleSheet[] = [];
    for (const el of present) {
      const text = el.textContent ?? '';
      const copy = copies.get(el);
      if (copy?.text === text) continue;
      const sheet = copy?.sheet ?? new CSSStyleSheet();
      sheet.replaceSync(text);
      copies.set(el, { sheet, text });
      if (!copy) added.push(sheet);
    }
    const gone = new Set<CSSStyleSheet>();
    for (const [el, { sheet }] of copies) {
      if (present.has(el)) continue;
      copies.delete(el);
      gone.add(sheet);
    }
    if (added.length || gone.size) doc.adoptedStyleSheets = [...doc.adoptedStyleSheets.filter((s) => !gone.has(s)), ...added];
  };
  const observer = new MutationObserver(sync);
  observer.observe(root, { subtree: true, childList: true, characterData: true });
  sync();
  return () => {
    observer.disconnect();
    const ours = new Set([...copies.values()].map((c) => c.sheet));
    copies.clear();
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !ours.has(s));
  };
}
