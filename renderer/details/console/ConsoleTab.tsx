// The guest's screen: QEMU's VNC server through a console stream, drawn by noVNC. It connects when the guest runs and
// again each time it starts; while it is shut off the tab says so instead of showing a black box.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import RFB from '@novnc/novnc';
import { consoleActive, noConsoleText } from '../../model/console-view';
import { useApp } from '../../store/context';
import { RELEASE_KEYS, useReleaseKeys } from '../../ui/console-keys';
import { useFullscreen } from '../../ui/fullscreen';
import { statusText, useConsoleStream, type AttachStream } from '../../ui/use-console-stream';

export function ConsoleTab({ name }: { name: string }) {
  const state = useApp((s) => s.vms[name]?.state);
  const hasDisplay = useApp((s) => s.vms[name]?.definition.vnc === true);
  if (!state) return null;
  if (!hasDisplay) {
    return (
      <div className="tab-body">
        <p className="unavailable">This guest has no display (it was created without one): see its Serial tab</p>
      </div>
    );
  }
  return <Screen name={name} active={consoleActive(state)} idleText={noConsoleText(state, 'screen')} />;
}

function Screen({ name, active, idleText }: { name: string; active: boolean; idleText: string }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const targetRef = useRef<HTMLDivElement>(null);
  const firstControlRef = useRef<HTMLInputElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const [scale, setScale] = useState(true);
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  const scaleId = useId();
  const hintId = useId();
  const fullscreen = useFullscreen(frameRef);

  const attach = useCallback<AttachStream>(
    (channel, report) => {
      const target = targetRef.current;
      if (!target) return () => channel.close();
      const rfb = new RFB(target, channel, { shared: true });
      rfb.scaleViewport = scaleRef.current;
      rfb.focusOnClick = true;
      // The frame's own background shows around the guest's screen.
      rfb.background = 'transparent';
      // noVNC keeps its canvas out of the Tab order; a keyboard user needs to reach it.
      const canvas = target.querySelector('canvas');
      if (canvas) {
        canvas.tabIndex = 0;
        canvas.setAttribute('aria-label', `Keyboard and mouse of ${name}`);
        canvas.setAttribute('aria-describedby', hintId);
      }
      let ended = false;
      rfb.addEventListener('connect', () => report.connected());
      rfb.addEventListener('disconnect', (e) => {
        ended = true;
        report.disconnected(e.detail.clean ? undefined : 'the connection to the screen was lost');
      });
      rfb.addEventListener('securityfailure', (e) =>
        report.disconnected(`the VNC server refused the session${e.detail.reason ? `: ${e.detail.reason}` : ''}`),
      );
      rfbRef.current = rfb;
      return () => {
        rfbRef.current = null;
        if (!ended) rfb.disconnect();
      };
    },
    [name, hintId],
  );
  const { status, reconnect } = useConsoleStream(name, 'vnc', active, attach);
  const connected = status.state === 'connected';

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.scaleViewport = scale;
  }, [scale]);

  const release = useCallback(() => firstControlRef.current?.focus(), []);
  useReleaseKeys(frameRef, release);

  return (
    <div className="tab-body console-tab">
      <div ref={frameRef} className="console-frame">
        <div className="console-bar">
          <span className="checkbox-field">
            <input
              ref={firstControlRef}
              id={scaleId}
              type="checkbox"
              className="checkbox"
              checked={scale}
              onChange={(e) => setScale(e.currentTarget.checked)}
            />
            <label htmlFor={scaleId}>Scale to fit</label>
          </span>
          <button type="button" className="button" disabled={!connected} onClick={() => rfbRef.current?.sendCtrlAltDel()}>
            Send Ctrl+Alt+Del
          </button>
          <button type="button" className="button" disabled={!fullscreen.supported} aria-pressed={fullscreen.full} onClick={fullscreen.toggle}>
            {fullscreen.full ? 'Exit full screen' : 'Full screen'}
          </button>
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
        {fullscreen.error && (
          <p className="field-error" role="alert">
            {fullscreen.error}
          </p>
        )}
        <div className={`console-screen${scale ? '' : ' console-screen--actual'}`} role="region" aria-label={`Screen of ${name}`}>
          {!active && <p className="console-screen__message">{idleText}</p>}
          {active && !connected && (
            // The status line above says the same to a screen reader.
            <p className="console-screen__message" aria-hidden="true">
              {statusText(status)}
            </p>
          )}
          <div ref={targetRef} className="console-screen__target" hidden={!active} />
        </div>
        <p id={hintId} className="hint">
          Click the screen or Tab to it to type to the guest: every key then goes to the guest, Tab and Escape too. {RELEASE_KEYS} gives the keyboard back
          to this window.
        </p>
      </div>
    </div>
  );
}
