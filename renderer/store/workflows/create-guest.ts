// Creating a guest, as the New guest dialog asks: one engine operation makes its new disk image (if one is wanted) and
// defines it — a reload half-way leaves a whole guest or nothing — then the guest is selected and started (if asked),
// the caller told each step as it begins.
import { toApiError, type DefinitionInput, type DISK_FORMATS } from '../../../shared';
import type { ApiClient } from '../../api/client';
import type { AppStore } from '../slices/app-state';
import type { Power } from './power';

export type CreateStep = 'define' | 'start';
type DiskFormat = (typeof DISK_FORMATS)[number];

export type DiskPlan =
  { kind: 'new'; fileName: string; format: DiskFormat; sizeMiB: number } | { kind: 'existing'; path: string; format: DiskFormat } | { kind: 'none' };

export interface GuestPlan {
  definition: Omit<DefinitionInput, 'disks'>;
  disk: DiskPlan;
  start: boolean;
}

export interface CreateOutcome {
  /** The guest exists now (even if it then failed to start). */
  created: boolean;
  /** The step that failed, and the engine's words. */
  failure: { step: CreateStep; message: string } | null;
}

export interface GuestCreation {
  create(plan: GuestPlan, onStep: (step: CreateStep) => void): Promise<CreateOutcome>;
}

export function guestCreation(client: ApiClient, store: AppStore, power: Power): GuestCreation {
  return {
    async create(plan, onStep) {
      const { name } = plan.definition;
      let step: CreateStep = 'define';
      let created = false;
      try {
        const { disk } = plan;
        onStep(step);
        const definition = { ...plan.definition, disks: disk.kind === 'existing' ? [{ path: disk.path, format: disk.format }] : [] };
        const newDisk = disk.kind === 'new' ? { fileName: disk.fileName, format: disk.format, sizeMiB: disk.sizeMiB } : undefined;
        store.getState().upsertVm(await client.invoke('vm:create', { definition, ...(newDisk ? { newDisk } : {}) }));
        created = true;
        store.getState().select(name);
        store.getState().setTab('overview');
        if (plan.start) {
          step = 'start';
          onStep(step);
          await power('start', name);
        }
        return { created, failure: null };
      } catch (e) {
        return { created, failure: { step, message: toApiError(e).message } };
      }
    },
  };
}
