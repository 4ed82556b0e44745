// Renders a piece of the UI wired to an EngineDouble through the real API client, store and actions.
import { render, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createApiClient } from '../renderer/api/client';
import { connectStore, createActions } from '../renderer/store/actions';
import { AppProvider } from '../renderer/store/context';
import { createAppStore } from '../renderer/store/store';
import type { EngineDouble } from './page-double';

/** `asPage` renders into a `#root` element, as the real page does (modals make it inert). */
export async function renderWithEngine(ui: ReactElement, engine: EngineDouble, { asPage = false } = {}) {
  const client = createApiClient(engine.api);
  const store = createAppStore();
  const actions = createActions(client, store);
  const disconnect = connectStore(client, store, actions);
  await waitFor(() => {
    if (!store.getState().loaded) throw new Error('the guest list has not loaded');
  });
  let container: HTMLElement | undefined;
  if (asPage) {
    container = document.createElement('div');
    container.id = 'root';
    document.body.appendChild(container);
  }
  const view = render(
    <AppProvider store={store} actions={actions}>
      {ui}
    </AppProvider>,
    container ? { container } : {},
  );
  return { ...view, store, actions, disconnect };
}
