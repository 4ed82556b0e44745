// The guest's first serial port in a terminal (xterm.js): what the guest writes, its scrollback first, and what the
// user types sent to it as UTF-8 bytes. It connects when the guest runs and again each time it starts; while the
// guest is shut off the tab says so, above the output of its last run when there is one.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { consoleActive, noConsoleText } from '../../model/console-view';
import { useApp } from '../../store/context';
import { RELEASE_KEYS, useReleaseKeys } from '../../ui/console-keys';
import { statusText, useConsoleStream, type AttachStream } from '../../ui/use-console-stream';
import { mirrorStyleElements, withStyleStandIns } from './xterm-styles';

export const SERIAL_SCROLLBACK = 5000;
const OPEN = 1;

export function SerialTab({ name }: { name: string }) {
  const state = useApp((s) => s.vms[name]?.state);
  if (!state) return null;
  return <Serial name={name} active={consoleActive(state)} idleText={noConsoleText(state, 'serial console')} />;
}

function Serial({ name, active, idleText }: { name: string; active: boolean; idleText: string }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const firstControlRef = useRef<HTMLInputElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const [hasOutput, setHasOutput] = useState(false);
  const [screenReader, setScreenReader] = useState(false);
  const readerId = useId();
  const hintId = useId();

  // One terminal for as long as the tab is shown; each new stream starts it afresh (the scrollback comes first).
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim();
    // Typing does nothing until a stream is attached.
    const term = new Terminal({ scrollback: SERIAL_SCROLLBACK, fontFamily: mono || 'monospace', fontSize: 13, disableStdin: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    const unmirror = mirrorStyleElements(host);
    withStyleStandIns(document, () => term.open(host));
    term.textarea?.setAttribute('aria-label', `Keyboard of ${name}'s serial port`);
    term.textarea?.setAttribute('aria-describedby', hintId);
    const refit = () => {
      // Hidden (no output yet, guest shut off): nothing to fit to.
      if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit();
    };
    refit();
    const resizes = typeof ResizeObserver === 'function' ? new ResizeObserver(refit) : null;
    resizes?.observe(host);
    termRef.current = term;
    return () => {
      termRef.current = null;
      resizes?.disconnect();
      term.dispose();
      unmirror();
    };
  }, [name, hintId]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.screenReaderMode = screenReader;
  }, [screenReader]);

  const attach = useCallback<AttachStream>((channel, report) => {
    const term = termRef.current;
    if (!term) return () => {};
    term.reset();
    term.options.disableStdin = false;
    setHasOutput(false);
    const utf8 = new TextEncoder();
    const send = (bytes: Uint8Array) => {
      if (channel.readyState === OPEN) channel.send(bytes);
    };
    // Typed text (and pasted text) as UTF-8; xterm's binary reports (some mouse modes) byte for byte.
    const typed = term.onData((text) => send(utf8.encode(text)));
    const binary = term.onBinary((raw) => send(Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff)));
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => report.connected();
    channel.onmessage = (e) => {
      term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
      setHasOutput(true);
    };
    channel.onclose = (e) => {
      term.options.disableStdin = true;
      report.disconnected(e.reason || undefined);
    };
    channel.onerror = () => {};
    if (channel.readyState === OPEN) report.connected();
    return () => {
      typed.dispose();
      binary.dispose();
      term.options.disableStdin = true;
      channel.onopen = channel.onmessage = channel.onclose = null;
    };
  }, []);
  const { status, reconnect } = useConsoleStream(name, 'serial', active, attach);

  const release = useCallback(() => firstControlRef.current?.focus(), []);
  useReleaseKeys(frameRef, release);

  const showTerminal = active || hasOutput;
  return (
    <div className="tab-body console-tab">
      <div ref={frameRef} className="console-frame">
        <div className="console-bar">
          <span className="checkbox-field">
            <input
              ref={firstControlRef}
              id={readerId}
              type="checkbox"
              className="checkbox"
              checked={screenReader}
              onChange={(e) => setScreenReader(e.currentTarget.checked)}
            />
            <label htmlFor={readerId}>Screen reader mode</label>
          </span>
          {active && (
            <span className="console-bar__status" role="status">
              {statusText(status)}
            </span>
          )}
          {active && (status.state === 'disconnected' || status.state === 'failed') && (
            <button type="button" className="button" onClick={reconnect}>
              Reconnect
            </button>
          )}
        </div>
        {!active && (
          <p className="console-idle">
            {idleText}
            {hasOutput && '. Below: its output until it stopped.'}
          </p>
        )}
        <div className={`serial-terminal${showTerminal ? '' : ' serial-terminal--hidden'}`} role="region" aria-label={`Serial console of ${name}`}>
          <div ref={hostRef} className="serial-terminal__host" />
        </div>
        <p id={hintId} className="hint">
          Click the terminal or Tab to it to type to the guest: every key then goes to its serial port, Tab and Escape too. {RELEASE_KEYS} gives the
          keyboard back to this window.
        </p>
      </div>
    </div>
  );
}
