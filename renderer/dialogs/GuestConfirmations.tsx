// The two questions asked before an irreversible act: forcing a guest off, and deleting its definition (whose answer
// says plainly that the disk images stay on disk).
import type { VmInfo } from '../../shared';
import { useActions } from '../store/context';
import { ConfirmDialog } from '../ui/Modal';
import { useAction } from '../ui/use-action';

export function DeleteGuestDialog({ vm, onDone }: { vm: VmInfo; onDone: () => void }) {
  const actions = useActions();
  const name = vm.definition.name;
  const [run, st] = useAction(async () => {
    await actions.undefine(name);
    onDone();
  });
  const disks = vm.definition.disks;
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
            <strong>Disk images are kept</strong>; delete them yourself if you no longer need them:
          </p>
          <ul className="path-list">
            {disks.map((d) => (
              <li key={d.path}>
                <code>{d.path}</code>
              </li>
            ))}
          </ul>
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
