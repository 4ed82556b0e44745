// Runs jobs one after another, keeping only the newest waiting one: a user who drags again while the last release is
// still being applied gets their final value applied, once, after it — and the control keeps its focus meanwhile.
import { useCallback, useRef } from 'react';

export function useSerial(): (job: () => Promise<void>) => Promise<void> {
  const running = useRef(false);
  const queued = useRef<(() => Promise<void>) | null>(null);
  return useCallback(async (job: () => Promise<void>) => {
    if (running.current) {
      queued.current = job;
      return;
    }
    running.current = true;
    try {
      let next: (() => Promise<void>) | null = job;
      while (next) {
        await next();
        next = queued.current;
        queued.current = null;
      }
    } finally {
      running.current = false;
    }
  }, []);
}
