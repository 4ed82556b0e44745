// The guest's settings, editable after it was made: memory, vCPUs, CPU pinning, memory limit, autostart and its disks.
// Applied through vm:update: what the running guest can take now (pinning, the memory limit) is in effect at once,
// the rest from its next start, and the tab says which; changes still waiting for a start are listed. A running
// guest's disks are not part of the form: they are attached and detached at once (LiveDisks).
import { useEffect, useId, useMemo, useState } from 'react';
import { GUEST_LIMITS, isLive, isTransient } from '../../../shared';
import { changeOf, draftOf, draftProblems, labelsOf, sameDraft, type SettingsDraft } from '../../model/settings-form';
import { useActions, useApp } from '../../store/context';
import { offlineReason } from '../../store/slices/connection';
import { DiskFormatSelect } from '../../ui/DiskFormatSelect';
import { Field } from '../../ui/Field';
import { useAction } from '../../ui/use-action';
import { LiveDisks } from './LiveDisks';

export function SettingsTab({ name }: { name: string }) {
  const vm = useApp((s) => s.vms[name]);
  const hostCpus = useApp((s) => s.host?.cpus);
  const offline = useApp(offlineReason);
  const actions = useActions();
  const id = useId();

  const saved = useMemo(() => (vm ? draftOf(vm.definition) : null), [vm]);
  const [typed, setDraft] = useState<SettingsDraft | null>(saved);
  const [result, setResult] = useState<string | null>(null);
  // A change pushed by the engine (another window, or this one's apply) replaces the form unless it was edited.
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setDraft(saved);
  }, [saved, edited]);

  const [apply, applyState] = useAction(async (next: SettingsDraft) => {
    if (!vm) return;
    const { disks, ...rest } = changeOf(vm.definition, next);
    const outcome = await actions.applySettings(name, isLive(vm.state) ? rest : { ...rest, disks });
    setEdited(false);
    if (!outcome) return;
    const live = labelsOf(outcome.live.filter((f) => f !== 'autostart'));
    const later = labelsOf(outcome.nextStart);
    setResult(
      ['Saved.', live.length ? `In effect now: ${live.join(', ')}.` : '', later.length ? `From the next start: ${later.join(', ')}.` : '']
        .filter(Boolean)
        .join(' '),
    );
  });

  if (!vm || !typed || !saved) return null;
  // While the guest runs, its disks belong to LiveDisks: the form holds the saved ones, so it never undoes an attach.
  const live = isLive(vm.state);
  const draft = live ? { ...typed, disks: saved.disks } : typed;
  const problems = draftProblems(vm.definition, draft);
  const dirty = !sameDraft(draft, saved);
  const edit = (change: Partial<SettingsDraft>) => {
    setResult(null);
    applyState.clearError();
    setEdited(true);
    setDraft({ ...draft, ...change });
  };
  const setDisk = (i: number, change: Partial<SettingsDraft['disks'][number]>) =>
    edit({ disks: draft.disks.map((d, k) => (k === i ? { ...d, ...change } : d)) });
  const locked = isTransient(vm.state) || offline !== null;
  const invalid = Object.keys(problems).length > 0;

  return (
    <form
      className="tab-body settings-tab"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty && !invalid) void apply(draft);
      }}
    >
      {vm.pending && vm.pending.length > 0 && (
        <p className="notice" role="status">
          Waiting for the next start: {labelsOf(vm.pending).join(', ')}.
        </p>
      )}
      <div className="form-grid">
        <Field id={`${id}-memory`} label="Memory (MiB)" error={problems.memoryMiB}>
          <input
            id={`${id}-memory`}
            className="input input--number"
            type="number"
            min={GUEST_LIMITS.memoryMiB.min}
            step={64}
            value={draft.memoryMiB}
            disabled={locked}
            aria-invalid={problems.memoryMiB ? true : undefined}
            onChange={(e) => edit({ memoryMiB: e.currentTarget.value })}
          />
        </Field>
        <Field id={`${id}-vcpus`} label="vCPUs" error={problems.vcpus} hint={hostCpus ? `the host has ${hostCpus}` : undefined}>
          <input
            id={`${id}-vcpus`}
            className="input input--number"
            type="number"
            min={GUEST_LIMITS.vcpus.min}
            value={draft.vcpus}
            disabled={locked}
            aria-invalid={problems.vcpus ? true : undefined}
            onChange={(e) => edit({ vcpus: e.currentTarget.value })}
          />
        </Field>
        <Field id={`${id}-cpuset`} label="Pinned to host CPUs" error={problems.cpuset} hint="e.g. 0 or 0-1; empty: any CPU">
          <input
            id={`${id}-cpuset`}
            className="input"
            value={draft.cpuset}
            spellCheck={false}
            disabled={locked}
            aria-invalid={problems.cpuset ? true : undefined}
            onChange={(e) => edit({ cpuset: e.currentTarget.value })}
          />
        </Field>
        <Field id={`${id}-limit`} label="Memory limit (MiB)" error={problems.memoryLimitMiB} hint="the group's hard limit; empty: none">
          <input
            id={`${id}-limit`}
            className="input input--number"
            type="number"
            value={draft.memoryLimitMiB}
            disabled={locked}
            aria-invalid={problems.memoryLimitMiB ? true : undefined}
            onChange={(e) => edit({ memoryLimitMiB: e.currentTarget.value })}
          />
        </Field>
      </div>

      <span className="checkbox-field">
        <input
          id={`${id}-autostart`}
          type="checkbox"
          className="checkbox"
          checked={draft.autostart}
          disabled={locked}
          onChange={(e) => edit({ autostart: e.currentTarget.checked })}
        />
        <label htmlFor={`${id}-autostart`}>Start this guest when cgvirt starts</label>
      </span>

      {live ? (
        <LiveDisks vm={vm} locked={locked} />
      ) : (
        <fieldset className="fieldset" disabled={locked}>
          <legend className="field-label">Disks</legend>
          {draft.disks.length === 0 && <p className="hint">No disks.</p>}
          {draft.disks.map((d, i) => (
            <div key={i} className="form-grid">
              <Field id={`${id}-disk-${i}`} label={`Disk ${i + 1} path`} error={i === 0 ? problems.disks : undefined}>
                <input
                  id={`${id}-disk-${i}`}
                  className="input input--wide"
                  value={d.path}
                  spellCheck={false}
                  onChange={(e) => setDisk(i, { path: e.currentTarget.value })}
                />
              </Field>
              <Field id={`${id}-disk-${i}-format`} label={`Disk ${i + 1} format`}>
                <DiskFormatSelect id={`${id}-disk-${i}-format`} value={d.format} onChange={(format) => setDisk(i, { format })} />
              </Field>
              <button type="button" className="button" onClick={() => edit({ disks: draft.disks.filter((_, k) => k !== i) })}>
                Remove disk {i + 1}
              </button>
            </div>
          ))}
          <button type="button" className="button" onClick={() => edit({ disks: [...draft.disks, { path: '', format: 'raw' }] })}>
            Add a disk
          </button>
        </fieldset>
      )}

      {applyState.error && (
        <p className="field-error" role="alert">
          {applyState.error}
        </p>
      )}
      {result && (
        <p className="notice" role="status">
          {result}
        </p>
      )}
      <div className="apply-bar">
        <span className="apply-bar__summary">{offline ? `Cannot apply: ${offline}` : dirty ? 'Not applied yet.' : 'No unapplied changes.'}</span>
        <button
          type="button"
          className="button"
          disabled={!dirty || applyState.pending}
          onClick={() => {
            setEdited(false);
            setDraft(saved);
          }}
        >
          Revert
        </button>
        <button type="submit" className="button button--primary" disabled={!dirty || invalid || applyState.pending || locked}>
          {applyState.pending ? 'Applying…' : 'Apply'}
        </button>
      </div>
    </form>
  );
}
