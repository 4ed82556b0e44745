// The Devices tab: edit which host device nodes the guest may open, then apply and see what changed in the running
// guest (or what waits for its next start).
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { isTransient } from '../../../shared';
import { draftChanges, groupDevices, isDefaultPath, normalizeDraft, type DeviceDraft } from '../../model/device-groups';
import { useActions, useApp, useAppStore } from '../../store/context';
import { HOST_KEY } from '../../store/slices/fetched';
import { offlineReason } from '../../store/slices/connection';
import { useGuestData } from '../../store/use-guest-data';
import type { DevicesOutcome } from '../../store/workflows/apply-devices';
import { ScopeNotice } from '../../ui/ScopeNotice';
import { useAction } from '../../ui/use-action';
import { DeviceChecklist } from './DeviceChecklist';

export function DevicesTab({ name }: { name: string }) {
  const vm = useApp((s) => s.vms[name]);
  const aclFeature = useApp((s) => s.host?.features?.deviceAcl);
  const actions = useActions();
  const scopeId = useId();

  const offline = useApp(offlineReason);
  const acl = useGuestData('acl', name);
  const host = useGuestData('hostDevices', HOST_KEY);
  const loadError = acl.error ?? host.error;
  const reload = () => {
    acl.reload();
    host.reload();
  };

  const savedExtra = vm?.definition.devices.extra;
  const savedOmit = vm?.definition.devices.omitDefaults;
  // Keyed by content: a vm:changed for anything else (a state change) must not throw away unapplied edits.
  const savedKey = JSON.stringify(normalizeDraft({ extra: savedExtra ?? [], omitDefaults: savedOmit ?? [] }));
  const saved = useMemo<DeviceDraft>(() => JSON.parse(savedKey) as DeviceDraft, [savedKey]);
  // Unapplied edits live in the store, per guest: switching to another guest and back keeps them.
  const kept = useApp((s) => s.deviceDrafts[name]);
  const store = useAppStore();
  const draft = kept ?? saved;
  const setDraft = (next: DeviceDraft | ((d: DeviceDraft) => DeviceDraft)) => {
    const value = typeof next === 'function' ? next(draft) : next;
    const change = draftChanges(saved, value);
    store.getState().setDeviceDraft(name, change.allow.length + change.deny.length > 0 ? value : null);
  };
  const [result, setResult] = useState<DevicesOutcome | null>(null);
  useEffect(() => setResult(null), [name]);
  // The Apply button disables itself once applied; the result takes the keyboard focus instead of the page body.
  const resultRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const [apply, applyState] = useAction(async () => {
    const outcome = await actions.applyDevices(name, draft);
    if (outcome) {
      store.getState().setDeviceDraft(name, null);
      setResult(outcome);
    }
  });

  if (!vm) return null;
  // A list from before a start or stop says what was in force then: it waits for the fresh one ("Loading").
  const groups = groupDevices({ guest: name, definition: vm.definition, acl: acl.stale ? null : (acl.data ?? null), host: host.data ?? null, draft });
  const pending = draftChanges(saved, draft);
  const dirty = pending.allow.length + pending.deny.length > 0;
  const unavailable = aclFeature?.available === false ? (aclFeature.reason ?? 'not available on this host') : null;

  const toggle = (path: string, checked: boolean) => {
    setResult(null);
    setDraft((d) => {
      if (isDefaultPath(path)) {
        const omit = d.omitDefaults.filter((p) => p !== path);
        return { ...d, omitDefaults: checked ? omit : [...omit, path] };
      }
      const extra = d.extra.filter((p) => p !== path);
      return { ...d, extra: checked ? [...extra, path] : extra };
    });
  };

  const blockDisks = groups.disks.length;
  const fileDisks = vm.definition.disks.length - blockDisks;

  return (
    <div className="tab-body devices-tab">
      <ScopeNotice state={vm.state} id={scopeId} onApply />
      {unavailable && <p className="unavailable">Device access control is unavailable on this host: {unavailable}</p>}
      {loadError && (
        <p className="field-error" role="alert">
          Could not read the device list: {loadError}{' '}
          <button type="button" className="link-button" onClick={reload}>
            Try again
          </button>
        </p>
      )}

      <div className="apply-bar" aria-describedby={scopeId}>
        <span className="apply-bar__summary" aria-live="polite">
          {dirty
            ? `Not applied yet: ${[
                pending.allow.length ? `allow ${pending.allow.join(', ')}` : '',
                pending.deny.length ? `deny ${pending.deny.join(', ')}` : '',
              ]
                .filter(Boolean)
                .join('; ')}`
            : 'No unapplied changes.'}
        </span>
        <button type="button" className="button" disabled={!dirty || applyState.pending} onClick={() => setDraft(saved)}>
          Revert
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={!dirty || applyState.pending || isTransient(vm.state) || unavailable !== null || offline !== null}
          title={offline ?? undefined}
          onClick={() => void apply()}
        >
          {applyState.pending ? 'Applying…' : 'Apply'}
        </button>
      </div>
      {applyState.error && (
        <p className="field-error" role="alert">
          {applyState.error}
        </p>
      )}
      {result && (
        <div className="notice" role="status" tabIndex={-1} ref={resultRef}>
          {result.changes.length === 0 ? (
            'Applied; the effective access list is unchanged.'
          ) : (
            <>
              Applied:
              <ul className="change-list">
                {result.changes.map((c) => (
                  <li key={`${c.change} ${c.label}`}>
                    <strong>{c.label}</strong> {c.change}{' '}
                    {c.live ? <span className="badge badge--live">live now</span> : <span className="badge">from next start</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}

      <DeviceChecklist
        groups={groups}
        disabled={unavailable !== null || isTransient(vm.state)}
        onToggle={toggle}
        diskNote={
          vm.definition.disks.length === 0
            ? 'This guest has no disks.'
            : fileDisks > 0
              ? `This guest’s ${fileDisks === 1 ? 'disk is an image file' : 'disks are image files'}: no device access is needed.`
              : undefined
        }
      />
    </div>
  );
}
