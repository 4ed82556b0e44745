// What a first-time user sees: what a guest is here, and one clear button to make the first one.
import { useApp } from '../store/context';
import { ChipIcon } from '../ui/icons';

export function EmptyState({ onNew }: { onNew: () => void }) {
  const guests = useApp((s) => s.host?.features?.guests);
  return (
    <section className="empty" aria-labelledby="empty-title">
      <div className="empty__art" aria-hidden="true">
        <ChipIcon size={56} />
      </div>
      <h2 id="empty-title" className="empty__title">
        No guests yet
      </h2>
      <p className="empty__text">
        A guest is a QEMU virtual machine that runs in its own cgroup. You decide how much CPU it gets when the host is busy and which host devices it may
        open — and you can change both while it runs.
      </p>
      <ol className="empty__steps">
        <li>Create a guest: give it a name, memory and a disk image.</li>
        <li>Start it, then tune its priority on the CPU priority tab.</li>
        <li>Watch the effect live on the Performance tab.</li>
      </ol>
      <button type="button" className="button button--primary button--large" onClick={onNew}>
        Create a guest
      </button>
      {guests?.available === false && (
        <p className="unavailable">Guests cannot run on this host yet: {guests.reason ?? 'QEMU is missing'}. You can still define them.</p>
      )}
    </section>
  );
}
