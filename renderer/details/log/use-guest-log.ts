// A guest's log tail from the per-guest cache, read again every few seconds while `follow` is on (the cache reads it
// again on every state change by itself).
import { useEffect } from 'react';
import { useGuestData } from '../../store/use-guest-data';

const FOLLOW_MS = 3000;

export function useGuestLog(name: string, follow: boolean) {
  const log = useGuestData('log', name);
  const { reload } = log;
  useEffect(() => {
    if (!follow) return;
    const t = setInterval(reload, FOLLOW_MS);
    return () => clearInterval(t);
  }, [follow, reload]);
  return log;
}
