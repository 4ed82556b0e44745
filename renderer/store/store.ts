// The one store, made of slices (slices/): what the engine told us (invoke answers and pushed events), what the views
// fetched per guest, and the window's own selection. Engine events arrive here and nowhere else; a stats tick is one
// update for all guests.
import { createStore } from 'zustand/vanilla';
import type { AppState, AppStore } from './slices/app-state';
import { connectionSlice } from './slices/connection';
import { fetchedSlice } from './slices/fetched';
import { guestsSlice } from './slices/guests';
import { selectionSlice } from './slices/selection';
import { statsSlice } from './slices/stats';
import { tuningSlice } from './slices/tuning';

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...connectionSlice(...a),
    ...guestsSlice(...a),
    ...statsSlice(...a),
    ...tuningSlice(...a),
    ...selectionSlice(...a),
    ...fetchedSlice(...a),
  }));
}
