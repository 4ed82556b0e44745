// Renders a piece of the UI wired to an EngineDouble through the real API client, store and actions.
import { render, waitFor } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { afterAll, beforeAll } from 'vitest';
import { createApiClient } from '../renderer/api/client';
import { createActions } from '../renderer/store/actions';
import { connectStore } from '../renderer/store/connect';
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
  // A wrapper, not a parent element: `rerender` keeps the wiring.
  const wrapper = ({ children }: { children: ReactNode }) => (
    <AppProvider store={store} actions={actions}>
      {children}
    </AppProvider>
  );
  const view = render(ui, container ? { container, wrapper } : { wrapper });
  return { ...view, store, actions, disconnect };
}

/**
 * jsdom lays nothing out, and the virtualized guest list needs a viewport to decide which rows to render: for the
 * calling test file, every element has the size of a 600 px tall pane.
 */
export function withPaneSize() {
  const sizes = { clientHeight: 600, clientWidth: 800 } as const;
  const saved = Object.keys(sizes).map((k) => [k, Object.getOwnPropertyDescriptor(HTMLElement.prototype, k)] as const);
  beforeAll(() => {
    for (const [k, v] of Object.entries(sizes)) Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => v });
  });
  afterAll(() => {
    for (const [k, d] of saved) if (d) Object.defineProperty(HTMLElement.prototype, k, d);
  });
}
