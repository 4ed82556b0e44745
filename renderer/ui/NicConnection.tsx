// How a network card connects, wherever a card is set up (the Settings tab, the New guest dialog): "Connection" is NAT
// or Bridge (disabled with the engine's reason where it cannot make taps), and for Bridge, "Host bridge" lists the
// bridges the host has.
import type { HostInfo, NicMode } from '../../shared';
import { bridgeChoices, bridgeFor, nicModeNote, nicModeOptions } from '../model/nic-network';
import { Field } from './Field';

export function NicConnection({
  id,
  host,
  mode,
  bridge,
  bridgeError,
  disabled,
  onChange,
}: {
  id: string;
  host: HostInfo | null | undefined;
  mode: NicMode;
  bridge: string;
  /** What is wrong with the bridge (the schema's or the engine's words). */
  bridgeError?: string | null | undefined;
  disabled?: boolean;
  onChange: (change: { mode: NicMode; bridge: string }) => void;
}) {
  const note = nicModeNote(host, mode);
  const modeId = `${id}-mode`;
  const bridgeId = `${id}-bridge`;
  const choices = bridgeChoices(host, bridge);
  return (
    <>
      <Field id={modeId} label="Connection" error={note.problem} {...(note.hint ? { hint: note.hint } : {})}>
        <select
          id={modeId}
          className="input"
          value={mode}
          disabled={disabled}
          aria-invalid={note.problem ? true : undefined}
          aria-describedby={note.problem ? `${modeId}-error` : note.hint ? `${modeId}-hint` : undefined}
          onChange={(e) => {
            const next = e.currentTarget.value as NicMode;
            onChange({ mode: next, bridge: next === 'bridge' ? bridgeFor(host, bridge) : bridge });
          }}
        >
          {nicModeOptions(host).map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      {mode === 'bridge' && (
        <Field id={bridgeId} label="Host bridge" error={bridgeError}>
          <select
            id={bridgeId}
            className="input"
            value={bridge}
            disabled={disabled || choices.length === 0}
            aria-invalid={bridgeError ? true : undefined}
            aria-describedby={bridgeError ? `${bridgeId}-error` : undefined}
            onChange={(e) => onChange({ mode, bridge: e.currentTarget.value })}
          >
            {choices.length === 0 && <option value="">no bridges on this host</option>}
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </Field>
      )}
    </>
  );
}
