// One line at the bottom: how many guests, how many run, what the host offers, whether the engine is connected.
import { useMemo } from 'react';
import { useApp } from '../store/context';

export function StatusBar({ kind }: { kind: 'electron' | 'web' }) {
  const vms = useApp((s) => s.vms);
  const host = useApp((s) => s.host);
  const conn = useApp((s) => s.connection);
  const { total, running } = useMemo(() => {
    const all = Object.values(vms);
    return { total: all.length, running: all.filter((v) => v.state === 'running').length };
  }, [vms]);
  const link = kind === 'electron' ? 'local engine' : conn?.state === 'open' ? 'connected' : conn?.state === 'connecting' ? 'connecting…' : 'disconnected';
  return (
    <footer className="statusbar">
      <span>
        {total} {total === 1 ? 'guest' : 'guests'}, {running} running
      </span>
      {host && (
        <>
          <span>
            QEMU {host.qemu.version ?? (host.qemu.path ? '' : 'not found')} ({host.accel.toUpperCase()})
          </span>
          <span>
            cgroups {host.cgroup.mode}
            {host.cgroup.writable ? '' : ', read-only'} · partition <code>{host.cgroup.partition}</code>
          </span>
          <span>{host.cpus} host CPUs</span>
        </>
      )}
      <span className={`statusbar__link statusbar__link--${kind === 'electron' ? 'open' : (conn?.state ?? 'connecting')}`}>{link}</span>
    </footer>
  );
}
