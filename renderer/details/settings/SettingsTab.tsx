// The guest's settings, editable after it was made: memory, vCPUs, CPU pinning, memory limit, autostart, its disks and
// CD-ROM drives, how it boots, its network cards, display and accelerator. Applied through vm:update: what the running
// guest can take now (pinning, the memory limit) is in effect at once, the rest from its next start, and the tab says
// which; changes still waiting for a start are listed. A running guest's disks and CD-ROM media are not part of the
// form: they change at once (LiveDisks, LiveCdroms). A refusal that names a field is shown beside it.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { GUEST_LIMITS, isLive, isTransient } from '../../../shared';
import {
  changeOf,
  draftOf,
  draftProblems,
  formKeys,
  labelsOf,
  refusalProblem,
  sameDraft,
  type DraftProblems,
  type SettingsDraft,
} from '../../model/settings-form';
import { useActions, useApp } from '../../store/context';
import { offlineReason } from '../../store/slices/connection';
import { AccelSelect } from '../../ui/AccelSelect';
import { DiskFormatSelect } from '../../ui/DiskFormatSelect';
import { Field } from '../../ui/Field';
import { useAction } from '../../ui/use-action';
import { BootSettings } from './BootSettings';
import { CdromDrives } from './CdromDrives';
import { LiveCdroms } from './LiveCdroms';
import { LiveDisks } from './LiveDisks';
import { NetworkSettings } from './NetworkSettings';
import { invalidProps } from './section';

export function SettingsTab({ name }: { name: string }) {
  const vm = useApp((s) => s.vms[name]);
  const host = useApp((s) => s.host);
  const hostCpus = host?.cpus;
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
  const form = useRef<HTMLFormElement>(null);

  const [apply, applyState] = useAction(async (next: SettingsDraft) => {
    if (!vm) return;
    const { disks, cdroms, ...rest } = changeOf(vm.definition, next);
    const outcome = await actions.applySettings(name, isLive(vm.state) ? rest : { ...rest, disks, cdroms });
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

  // A refusal put beside its field moves the focus to that field (the alert by the Apply button is heard by itself).
  useEffect(() => {
    const words = applyState.error ? refusalProblem(applyState.error)?.message : undefined;
    if (!words || !form.current) return;
    const error = [...form.current.querySelectorAll<HTMLElement>('.field-error')].find((e) => e.textContent === words && e.id);
    if (!error) return;
    [...form.current.querySelectorAll<HTMLElement>('[aria-describedby]')].find((c) => c.getAttribute('aria-describedby') === error.id)?.focus();
  }, [applyState.error]);

  if (!vm || !typed || !saved) return null;
  // While the guest runs, its disks and media belong to LiveDisks and LiveCdroms: the form holds the saved ones, so it
  // never undoes an attach or an eject.
  const live = isLive(vm.state);
  const draft = live ? { ...typed, disks: saved.disks, cdroms: saved.cdroms } : typed;
  const problems = draftProblems(vm.definition, draft);
  // The last Apply's refusal goes beside the field it names, if the form shows that field; otherwise by the Apply button.
  const refusal = applyState.error ? refusalProblem(applyState.error) : null;
  const refusedAt = refusal && formKeys(draft, { live }).has(refusal.key) ? refusal : null;
  const shown: DraftProblems = refusedAt ? { [refusedAt.key]: refusedAt.message, ...problems } : problems;
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
  const section = { id, draft, problems: shown, edit, locked };
  const diskProblem = (i: number) => shown[`disks.${i}`] ?? (i === 0 ? shown.disks : undefined);

  return (
    <form
      ref={form}
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
        <Field id={`${id}-memory`} label="Memory (MiB)" error={shown.memoryMiB}>
          <input
            id={`${id}-memory`}
            className="input input--number"
            type="number"
            min={GUEST_LIMITS.memoryMiB.min}
            step={64}
            value={draft.memoryMiB}
            disabled={locked}
            {...invalidProps(`${id}-memory`, shown.memoryMiB)}
            onChange={(e) => edit({ memoryMiB: e.currentTarget.value })}
          />
        </Field>
        <Field id={`${id}-vcpus`} label="vCPUs" error={shown.vcpus} hint={hostCpus ? `the host has ${hostCpus}` : undefined}>
          <input
            id={`${id}-vcpus`}
            className="input input--number"
            type="number"
            min={GUEST_LIMITS.vcpus.min}
            value={draft.vcpus}
            disabled={locked}
            {...invalidProps(`${id}-vcpus`, shown.vcpus)}
            onChange={(e) => edit({ vcpus: e.currentTarget.value })}
          />
        </Field>
        <Field id={`${id}-cpuset`} label="Pinned to host CPUs" error={shown.cpuset} hint="e.g. 0 or 0-1; empty: any CPU">
          <input
            id={`${id}-cpuset`}
            className="input"
            value={draft.cpuset}
            spellCheck={false}
            disabled={locked}
            {...invalidProps(`${id}-cpuset`, shown.cpuset)}
            onChange={(e) => edit({ cpuset: e.currentTarget.value })}
          />
        </Field>
        <Field id={`${id}-limit`} label="Memory limit (MiB)" error={shown.memoryLimitMiB} hint="the group's hard limit; empty: none">
          <input
            id={`${id}-limit`}
            className="input input--number"
            type="number"
            value={draft.memoryLimitMiB}
            disabled={locked}
            {...invalidProps(`${id}-limit`, shown.memoryLimitMiB)}
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
              <Field id={`${id}-disk-${i}`} label={`Disk ${i + 1} path`} error={diskProblem(i)}>
                <input
                  id={`${id}-disk-${i}`}
                  {...invalidProps(`${id}-disk-${i}`, diskProblem(i))}
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

      {live ? <LiveCdroms vm={vm} locked={locked} /> : <CdromDrives {...section} />}
      <BootSettings {...section} />
      <NetworkSettings {...section} />

      <fieldset className="fieldset" disabled={locked}>
        <legend className="field-label">Display and accelerator</legend>
        <p className="hint">Changes apply at the next start.</p>
        <span className="checkbox-field">
          <input id={`${id}-vnc`} type="checkbox" className="checkbox" checked={draft.vnc} onChange={(e) => edit({ vnc: e.currentTarget.checked })} />
          <label htmlFor={`${id}-vnc`}>Display (a VGA screen in the Console tab)</label>
        </span>
        <div className="form-grid">
          <AccelSelect id={`${id}-accel`} host={host} value={draft.accel} onChange={(accel) => edit({ accel })} />
        </div>
      </fieldset>

      {applyState.error && !refusedAt && (
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
