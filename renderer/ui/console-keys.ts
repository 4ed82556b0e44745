// A console takes every key while it has the focus (noVNC sends them to the guest's screen, xterm to its serial port),
// Tab and Escape included: a guest needs them. The one way out by keyboard is Ctrl+Alt+Shift pressed together (what
// Guacamole uses for its menu): seen on the console's wrapper in the capture phase, before the console's own handlers,
// it is kept from the guest and the focus goes back to the window. The guest may see Ctrl and Alt go down and up.
import { useEffect, type RefObject } from 'react';

export const RELEASE_KEYS = 'Ctrl+Alt+Shift';

/** The names KeyboardEvent.key gives modifiers (X11 reports Alt pressed after Shift as Meta). */
const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift', 'Meta', 'AltGraph']);

/** The third of Ctrl, Alt and Shift going down while the other two are held. */
export const isReleaseKeys = (e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>): boolean =>
  e.ctrlKey && e.shiftKey && (e.altKey || e.metaKey) && MODIFIER_KEYS.has(e.key);

/** While mounted: Ctrl+Alt+Shift inside `around` calls `release` (which moves the focus out) instead of reaching the console. */
export function useReleaseKeys(around: RefObject<HTMLElement | null>, release: () => void) {
  useEffect(() => {
    const el = around.current;
    if (!el) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (!isReleaseKeys(e)) return;
      e.preventDefault();
      e.stopPropagation();
      release();
    };
    el.addEventListener('keydown', onKeyDown, true);
    return () => el.removeEventListener('keydown', onKeyDown, true);
  }, [around, release]);
}
