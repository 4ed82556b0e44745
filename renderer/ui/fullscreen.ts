// Full screen for one element (a console's frame): whether it is, and the toggle. The browser's own key (Escape)
// leaves full screen too, so the state follows `fullscreenchange` rather than the button.
import { useCallback, useEffect, useState, type RefObject } from 'react';

export function useFullscreen(ref: RefObject<HTMLElement | null>) {
  const [full, setFull] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement != null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [ref]);
  const toggle = useCallback(() => {
    setError(null);
    const el = ref.current;
    const done = full ? document.exitFullscreen() : el?.requestFullscreen();
    done?.catch((e: unknown) => setError(`full screen is not available here (${e instanceof Error ? e.message : String(e)})`));
  }, [full, ref]);
  /** Whether this page may use full screen at all (an iframe without the permission, or jsdom, may not). */
  const supported = typeof document !== 'undefined' && document.fullscreenEnabled === true;
  return { full, toggle, supported, error };
}
