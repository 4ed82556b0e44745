// Reads a guest's log tail, again whenever its state changes, and every few seconds while `follow` is on.
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../shared';
import { useActions, useApp } from '../store/context';

const FOLLOW_MS = 3000;

export function useGuestLog(name: string, lines: number, follow: boolean) {
  const actions = useActions();
  const state = useApp((s) => s.vms[name]?.state);
  const epoch = useApp((s) => s.epoch);
  const [log, setLog] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const read = useCallback(async () => {
    try {
      setLog(await actions.log(name, lines));
      setError(null);
    } catch (e) {
      setError(toApiError(e).message);
    }
  }, [actions, name, lines]);

  useEffect(() => {
    setLog(null);
  }, [name]);
  useEffect(() => {
    void read();
  }, [read, state, epoch]);
  useEffect(() => {
    if (!follow) return;
    const t = setInterval(() => void read(), FOLLOW_MS);
    return () => clearInterval(t);
  }, [follow, read]);

  return { log, error, reload: read };
}
