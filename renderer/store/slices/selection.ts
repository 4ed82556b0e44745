// The window's own choices: which guest is selected, which of its details tabs is shown, and the device checklist
// edits not applied yet (kept per guest, so switching to another guest and back loses nothing).
import type { DeviceDraft } from '../../model/device-groups';
import type { SliceCreator } from './app-state';

export const DETAILS_TABS = ['overview', 'priority', 'devices', 'performance', 'console', 'serial', 'log', 'settings'] as const;
export type DetailsTab = (typeof DETAILS_TABS)[number];

export interface SelectionSlice {
  selected: string | null;
  tab: DetailsTab;
  /** Unapplied device checklist edits, by guest. */
  deviceDrafts: Record<string, DeviceDraft>;
  select(name: string | null): void;
  setTab(tab: DetailsTab): void;
  /** null: nothing unapplied (applied, reverted, or back to what is saved). */
  setDeviceDraft(name: string, draft: DeviceDraft | null): void;
}

/** After a full load: the same guest if it still exists, else the first. */
export const selectedAfterLoad = (selected: string | null, names: readonly string[]): string | null =>
  selected !== null && names.includes(selected) ? selected : (names[0] ?? null);

/** After `removed` left `names`: its neighbour, if it was the selected one. */
export function selectedAfterRemoval(selected: string | null, names: readonly string[], removed: string): string | null {
  if (selected !== removed) return selected;
  const i = names.indexOf(removed);
  const rest = names.filter((n) => n !== removed);
  return rest[Math.min(i, rest.length - 1)] ?? null;
}

export const selectionSlice: SliceCreator<SelectionSlice> = (set) => ({
  selected: null,
  tab: 'overview',
  deviceDrafts: {},
  select: (selected) => set({ selected }),
  setTab: (tab) => set({ tab }),
  setDeviceDraft: (name, draft) =>
    set((s) => {
      const { [name]: _gone, ...rest } = s.deviceDrafts;
      return { deviceDrafts: draft ? { ...rest, [name]: draft } : rest };
    }),
});
