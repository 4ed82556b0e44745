// Hands the store and the actions to the component tree, so components never reach for globals (and tests can give
// them a store of their own).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Actions } from './actions';
import type { AppState, AppStore } from './slices/app-state';

interface AppContextValue {
  store: AppStore;
  actions: Actions;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ store, actions, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ store, actions }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('cgvirt: a component was rendered outside <AppProvider>');
  return ctx;
}

/** Subscribes to a slice of the store; the component re-renders only when that slice changes. */
export const useApp = <T,>(selector: (s: AppState) => T): T => useStore(useAppContext().store, selector);
export const useActions = (): Actions => useAppContext().actions;
export const useAppStore = (): AppStore => useAppContext().store;
