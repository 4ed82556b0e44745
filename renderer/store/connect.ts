// Feeds the engine's pushed events to the store and loads the state: once in Electron, and on every (re)open of the
// WebSocket, since events missed while it was down are gone.
import type { ApiClient } from '../api/client';
import type { Actions } from './actions';
import type { AppStore } from './slices/app-state';

/** Returns the function that undoes the wiring. */
export function connectStore(client: ApiClient, store: AppStore, actions: Actions): () => void {
  const st = store.getState();
  const offs = [
    client.on('vm:state', (e) => st.vmState(e)),
    client.on('vm:changed', (e) => st.vmChanged(e)),
    client.on('stats:tick', (e) => st.statsTick(e)),
    client.on('host:changed', (e) => st.hostChanged(e)),
  ];
  const conn = client.connection;
  if (conn) {
    st.setConnection(conn.status());
    offs.push(
      conn.onStatus((status) => {
        store.getState().setConnection(status);
        if (status.state === 'open') void actions.refresh();
      }),
    );
    if (conn.status().state === 'open') void actions.refresh();
  } else {
    void actions.refresh();
  }
  return () => offs.forEach((off) => off());
}
