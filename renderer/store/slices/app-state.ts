// The state all slices make up, and the type a slice is written against: a slice sees and sets the whole state, so a
// guest's removal, say, is one update across slices.
import type { StateCreator, StoreApi } from 'zustand/vanilla';
import type { ConnectionSlice } from './connection';
import type { FetchedSlice } from './fetched';
import type { GuestsSlice } from './guests';
import type { SelectionSlice } from './selection';
import type { StatsSlice } from './stats';
import type { TuningSlice } from './tuning';

export type AppState = ConnectionSlice & GuestsSlice & StatsSlice & TuningSlice & SelectionSlice & FetchedSlice;
export type AppStore = StoreApi<AppState>;
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
