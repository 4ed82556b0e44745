// Entry point: choose the transport once (Electron's preload, or the WebSocket in a browser), wire the store to the
// engine, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { installTransport } from './api/install';
import { App } from './shell/App';
import { createActions } from './store/actions';
import { connectStore } from './store/connect';
import { AppProvider } from './store/context';
import { createAppStore } from './store/store';
import './styles/theme.css';
import './styles/app.css';

const transport = installTransport(window);
const client = createApiClient(transport.api, transport.connection);
const store = createAppStore();
const actions = createActions(client, store);
connectStore(client, store, actions);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider store={store} actions={actions}>
      <App
        kind={transport.kind}
        tokenMissing={transport.tokenMissing}
        onRetryConnection={transport.connection ? () => transport.connection?.retryNow() : undefined}
      />
    </AppProvider>
  </StrictMode>,
);
