// Runs one user action at a time and keeps its failure beside the control that started it, in the engine's words.
import { useCallback, useRef, useState } from 'react';
import { toApiError } from '../../shared';

export interface ActionState {
  pending: boolean;
  error: string | null;
  clearError(): void;
}

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): [(...args: A) => Promise<R | undefined>, ActionState] {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      return await fnRef.current(...args);
    } catch (e) {
      setError(toApiError(e).message);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return [run, { pending, error, clearError }];
}
