// The main window: toolbar, banners, the guest list beside the selected guest's details, a status bar; or, before the
// first guest exists, a screen that helps create it.
import { useState } from 'react';
import { DetailsPane } from '../details/DetailsPane';
import { NewGuestDialog } from '../dialogs/NewGuestDialog';
import { GuestList } from '../guest-list/GuestList';
import { useApp } from '../store/context';
import { BrokenDefinitionsBanner } from './BrokenDefinitionsBanner';
import { ConnectionBanner } from './ConnectionBanner';
import { EmptyState } from './EmptyState';
import { HostBanner } from './HostBanner';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';

export interface AppProps {
  kind: 'electron' | 'web';
  tokenMissing?: boolean;
  onRetryConnection?: () => void;
}

export function App({ kind, tokenMissing = false, onRetryConnection }: AppProps) {
  const loaded = useApp((s) => s.loaded);
  const empty = useApp((s) => s.names.length === 0);
  const [creating, setCreating] = useState(false);
  const openNew = () => setCreating(true);

  return (
    <div className="app">
      <Toolbar onNew={openNew} />
      <ConnectionBanner tokenMissing={tokenMissing} onRetry={onRetryConnection} />
      <HostBanner />
      <BrokenDefinitionsBanner />
      <main className="workspace" aria-busy={!loaded}>
        {!loaded ? (
          <p className="loading">Loading guests…</p>
        ) : empty ? (
          <EmptyState onNew={openNew} />
        ) : (
          <>
            <GuestList />
            <DetailsPane />
          </>
        )}
      </main>
      <StatusBar kind={kind} />
      {creating && <NewGuestDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
