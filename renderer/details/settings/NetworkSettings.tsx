// The guest's network cards, each with its model, its MAC (kept once assigned: the guest's OS knows its card by it) and
// its connection: user-mode NAT (the guest reaches out through the host) with ports forwarded from the host's loopback
// into the guest, or a host bridge (where the engine can make taps). Applied at the next start.
import { FORWARD_LIMIT, NIC_LIMIT, NIC_MODELS, type HostInfo, type PortForward } from '../../../shared';
import { newForwardDraft, newNicDraft, type ForwardDraft, type NicDraft, type NicModel } from '../../model/settings-form';
import { useApp } from '../../store/context';
import { Field } from '../../ui/Field';
import { NicConnection } from '../../ui/NicConnection';
import { invalidProps, type SectionProps } from './section';

/** virtio needs the guest's driver (Linux has it; Windows needs virtio-win); every OS knows the e1000. */
const MODEL_LABEL: Record<NicModel, string> = { 'virtio-net-pci': 'virtio (fastest)', e1000: 'Intel e1000 (no driver needed)' };

export function NetworkSettings({ id, draft, problems, edit, locked }: SectionProps) {
  const host = useApp((s) => s.host);
  const setNic = (n: number, change: Partial<NicDraft>) => edit({ nics: draft.nics.map((nic, k) => (k === n ? { ...nic, ...change } : nic)) });
  return (
    <fieldset className="fieldset" disabled={locked}>
      <legend className="field-label">Network</legend>
      <p className="hint">
        User-mode NAT: the guest reaches the network through the host; a forwarded port listens on 127.0.0.1 only, so only this machine reaches in. Bridge:
        the card joins a bridge of the host, as a machine on that network. Changes apply at the next start.
      </p>
      {draft.nics.length === 0 && <p className="hint">No network cards: the guest is offline.</p>}
      {draft.nics.map((nic, n) => (
        <NicEditor
          key={n}
          nics={draft.nics}
          id={`${id}-nic-${n}`}
          n={n}
          nic={nic}
          host={host}
          problems={problems}
          onChange={(c) => setNic(n, c)}
          onRemove={() => edit({ nics: draft.nics.filter((_, k) => k !== n) })}
        />
      ))}
      {problems.nics && <p className="field-error">{problems.nics}</p>}
      <button type="button" className="button" disabled={draft.nics.length >= NIC_LIMIT} onClick={() => edit({ nics: [...draft.nics, newNicDraft()] })}>
        Add a network card
      </button>
    </fieldset>
  );
}

function NicEditor({
  id,
  n,
  nic,
  nics,
  host,
  problems,
  onChange,
  onRemove,
}: {
  id: string;
  n: number;
  nic: NicDraft;
  host: HostInfo | null;
  /** All the guest's NICs: a new forward takes a host port none of them uses. */
  nics: NicDraft[];
  problems: SectionProps['problems'];
  onChange: (change: Partial<NicDraft>) => void;
  onRemove: () => void;
}) {
  const at = `nics.${n}`;
  const macProblem = problems[`${at}.mac`];
  return (
    <div role="group" aria-label={`NIC ${n + 1}`} className="fieldset">
      <span className="field-label">NIC {n + 1}</span>
      <div className="form-grid">
        <Field id={`${id}-model`} label="Model">
          <select id={`${id}-model`} className="input" value={nic.model} onChange={(e) => onChange({ model: e.currentTarget.value as NicModel })}>
            {NIC_MODELS.map((m) => (
              <option key={m} value={m}>
                {MODEL_LABEL[m]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${id}-mac`}
          label="MAC address"
          error={macProblem}
          hint={nic.macAssigned ? 'kept: the guest’s OS knows its card by it' : 'empty: cgvirt assigns one and keeps it'}
        >
          <input
            id={`${id}-mac`}
            className="input"
            value={nic.mac}
            spellCheck={false}
            readOnly={nic.macAssigned}
            placeholder="assigned by cgvirt"
            onChange={(e) => onChange({ mac: e.currentTarget.value })}
            {...invalidProps(`${id}-mac`, macProblem)}
          />
        </Field>
        <NicConnection id={id} host={host} mode={nic.mode} bridge={nic.bridge} bridgeError={problems[`${at}.bridge`]} onChange={(c) => onChange(c)} />
        <button type="button" className="button" onClick={onRemove}>
          Remove NIC {n + 1}
        </button>
      </div>
      {nic.mode === 'nat' ? (
        <Forwards id={id} at={at} nic={nic} nics={nics} problems={problems} onChange={onChange} />
      ) : (
        <p className="hint">No port forwards: they are for NAT; on a bridge the guest is reached at its own address.</p>
      )}
    </div>
  );
}

/** A NAT card's forwards, from the host's loopback into the guest. */
function Forwards({
  id,
  at,
  nic,
  nics,
  problems,
  onChange,
}: {
  id: string;
  at: string;
  nic: NicDraft;
  nics: NicDraft[];
  problems: SectionProps['problems'];
  onChange: (change: Partial<NicDraft>) => void;
}) {
  const setForward = (i: number, change: Partial<ForwardDraft>) => onChange({ forwards: nic.forwards.map((f, k) => (k === i ? { ...f, ...change } : f)) });
  return (
    <>
      <span className="field-label">Port forwards (host 127.0.0.1 → guest)</span>
      {nic.forwards.length === 0 && <p className="hint">Nothing forwarded.</p>}
      {nic.forwards.map((f, i) => {
        const fid = `${id}-fwd-${i}`;
        const hostProblem = problems[`${at}.forwards.${i}.hostPort`];
        const guestProblem = problems[`${at}.forwards.${i}.guestPort`];
        return (
          <div key={i} role="group" aria-label={`Forward ${i + 1}`} className="form-grid">
            <Field id={`${fid}-host`} label="Host port" error={hostProblem}>
              <input
                id={`${fid}-host`}
                className="input input--number"
                type="number"
                min={1}
                max={65535}
                value={f.hostPort}
                onChange={(e) => setForward(i, { hostPort: e.currentTarget.value })}
                {...invalidProps(`${fid}-host`, hostProblem)}
              />
            </Field>
            <Field id={`${fid}-guest`} label="Guest port" error={guestProblem}>
              <input
                id={`${fid}-guest`}
                className="input input--number"
                type="number"
                min={1}
                max={65535}
                value={f.guestPort}
                onChange={(e) => setForward(i, { guestPort: e.currentTarget.value })}
                {...invalidProps(`${fid}-guest`, guestProblem)}
              />
            </Field>
            <Field id={`${fid}-protocol`} label="Protocol">
              <select
                id={`${fid}-protocol`}
                className="input"
                value={f.protocol}
                onChange={(e) => setForward(i, { protocol: e.currentTarget.value as PortForward['protocol'] })}
              >
                <option value="tcp">TCP</option>
                <option value="udp">UDP</option>
              </select>
            </Field>
            <button type="button" className="button" onClick={() => onChange({ forwards: nic.forwards.filter((_, k) => k !== i) })}>
              Remove forward {i + 1}
            </button>
          </div>
        );
      })}
      {problems[`${at}.forwards`] && <p className="field-error">{problems[`${at}.forwards`]}</p>}
      <button
        type="button"
        className="button"
        disabled={nic.forwards.length >= FORWARD_LIMIT}
        onClick={() => onChange({ forwards: [...nic.forwards, newForwardDraft(nics)] })}
      >
        Add a port forward
      </button>
    </>
  );
}
