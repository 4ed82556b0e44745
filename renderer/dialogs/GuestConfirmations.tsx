// The two questions asked before an irreversible act: forcing a guest off, and deleting its definition — which keeps
// the disk images unless the user also asks to delete the ones cgvirt made (in its images directory; never others).
import { useId, useState } from 'react';
import type { VmInfo } from '../../shared';
import { useActions, useApp } from '../store/context';
import { ConfirmDialog } from '../ui/Modal';
import { useAction } from '../ui/use-action';

export function DeleteGuestDialog({ vm, onDone }: { vm: VmInfo; onDone: () => void }) {
  const actions = useActions();
  const imagesDir = useApp((s) => s.host?.imagesDir);
  const checkId = useId();
  const [alsoImages, setAlsoImages] = useState(false);
  const name = vm.definition.name;
  const disks = vm.definition.disks;
  // The engine decides for sure (it resolves links); this is which ones it would take.
  const own = imagesDir ? disks.filter((d) => d.path.startsWith(`${imagesDir}/`) && !d.path.slice(imagesDir.length + 1).includes('/')) : [];
  const [run, st] = useAction(async () => {
    await actions.undefine(name, alsoImages && own.length > 0);
    onDone();
  });
  return (
    <ConfirmDialog
      title={`Delete guest “${name}”?`}
      confirmLabel="Delete guest"
      danger
      pending={st.pending}
      error={st.error}
      onConfirm={() => void run()}
      onCancel={onDone}
    >
      <p>Its definition and settings (priority, device access) are removed. This cannot be undone.</p>
      {disks.length === 0 ? (
        <p>It has no disk images.</p>
      ) : (
        <>
          <p>
            <strong>{alsoImages ? 'Disk images outside cgvirt’s images directory are kept' : 'Disk images are kept'}</strong>; delete them yourself if you
            no longer need them:
          </p>
          <ul className="path-list">
            {disks.map((d) => (
              <li key={d.path}>
                <code>{d.path}</code>
                {alsoImages && own.includes(d) && <span className="muted"> — deleted too</span>}
              </li>
            ))}
          </ul>
          {own.length > 0 && (
            <span className="checkbox-field">
              <input id={checkId} type="checkbox" className="checkbox" checked={alsoImages} onChange={(e) => setAlsoImages(e.currentTarget.checked)} />
              <label htmlFor={checkId}>
                Also delete {own.length === 1 ? 'its image' : `its ${own.length} images`} in cgvirt’s images directory ({imagesDir})
              </label>
            </span>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}

export function ForceOffDialog({ name, onDone }: { name: string; onDone: () => void }) {
  const actions = useActions();
  const [run, st] = useAction(async () => {
    await actions.power('destroy', name);
    onDone();
  });
  return (
    <ConfirmDialog
      title={`Force off “${name}”?`}
      confirmLabel="Force off"
      danger
      pending={st.pending}
      error={st.error}
      onConfirm={() => void run()}
      onCancel={onDone}
    >
      <p>This stops QEMU at once, like pulling the power cord: anything the guest has not written to disk is lost.</p>
    </ConfirmDialog>
  );
}
