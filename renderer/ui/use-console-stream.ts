// One console stream of a guest (its screen or its serial port) for as long as the guest runs: a ticket and a stream
// when it starts running (again), the stream closed when it stops or the view goes away. The consumer (noVNC, xterm)
// takes the channel over and says when it is connected or lost, since it owns the channel's handlers from then on.
// A stream lost while the guest still runs (an engine restart, a dropped network) is opened again by the user, or by
// itself when the page's connection to the engine opens again.
import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError, type ConsoleChannel, type ConsoleKind } from '../../shared';
import { useActions, useApp } from '../store/context';

export type StreamStatus =
  /** Nothing to connect to: the guest is not running (or the view shows something else). */
  | { state: 'idle' }
  | { state: 'connecting' }
  | { state: 'connected' }
  /** The stream ended while the guest still ran, or just before it stopped. */
  | { state: 'disconnected'; why?: string }
  /** No stream: the ticket or the stream was refused. */
  | { state: 'failed'; error: string };

export interface StreamReport {
  connected(): void;
  disconnected(why?: string): void;
}

/** Hands the open channel to its consumer; returns what undoes that (the hook closes the channel itself). */
export type AttachStream = (channel: ConsoleChannel, report: StreamReport) => () => void;

export function useConsoleStream(name: string, kind: ConsoleKind, active: boolean, attach: AttachStream) {
  const { openConsole } = useActions();
  const [status, setStatus] = useState<StreamStatus>({ state: 'idle' });
  const [attempt, setAttempt] = useState(0);
  // The newest attach, without opening a new stream when only the callback's identity changed.
  const attachRef = useRef(attach);
  attachRef.current = attach;

  useEffect(() => {
    if (!active) {
      setStatus({ state: 'idle' });
      return;
    }
    let current = true;
    let channel: ConsoleChannel | null = null;
    let detach: (() => void) | null = null;
    setStatus({ state: 'connecting' });
    openConsole(name, kind).then(
      (ch) => {
        if (!current) {
          ch.close();
          return;
        }
        channel = ch;
        detach = attachRef.current(ch, {
          connected: () => current && setStatus({ state: 'connected' }),
          disconnected: (why) => current && setStatus(why ? { state: 'disconnected', why } : { state: 'disconnected' }),
        });
      },
      (e: unknown) => current && setStatus({ state: 'failed', error: toApiError(e).message }),
    );
    return () => {
      current = false;
      detach?.();
      channel?.close();
    };
  }, [name, kind, active, attempt, openConsole]);

  // Web mode: the request socket came back, so the engine may be back too.
  const opens = useApp((s) => s.connection?.opens ?? 0);
  const seenOpens = useRef(opens);
  const lost = status.state === 'disconnected' || status.state === 'failed';
  useEffect(() => {
    if (opens === seenOpens.current) return;
    seenOpens.current = opens;
    if (lost) setAttempt((n) => n + 1);
  }, [opens, lost]);

  const reconnect = useCallback(() => setAttempt((n) => n + 1), []);
  return { status, reconnect };
}

/** The status line's words. */
export function statusText(status: StreamStatus): string {
  switch (status.state) {
    case 'idle':
      return 'Not connected';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'disconnected':
      return status.why ? `Disconnected: ${status.why}` : 'Disconnected';
    case 'failed':
      return `Could not connect: ${status.error}`;
  }
}
