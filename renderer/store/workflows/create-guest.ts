// Creating a guest, as the New guest dialog asks: make its disk image (if a new one is wanted), define it, select it,
// start it (if asked), telling the caller each step as it begins. One GuestCreation serves one dialog: retried after
// a failure, it reuses the image an earlier attempt made instead of making it twice.
import { toApiError, type DefinitionInput, type DISK_FORMATS } from '../../../shared';
import type { ApiClient } from '../../api/client';
import type { AppStore } from '../slices/app-state';
import type { Power } from './power';

export type CreateStep = 'image' | 'define' | 'start';
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
  /** The images made so far, by what was asked for. */
  const made = new Map<string, string>();

  const imageFor = async (disk: Extract<DiskPlan, { kind: 'new' }>, onStep: (step: CreateStep) => void) => {
    const key = `${disk.fileName}|${disk.format}|${disk.sizeMiB}`;
    let path = made.get(key);
    if (path === undefined) {
      onStep('image');
      path = (await client.invoke('storage:create', { fileName: disk.fileName, format: disk.format, sizeMiB: disk.sizeMiB })).path;
      made.set(key, path);
    }
    return path;
  };

  return {
    async create(plan, onStep) {
      const { name } = plan.definition;
      let step: CreateStep = 'image';
      let created = false;
      try {
        const { disk } = plan;
        const disks: DefinitionInput['disks'] =
          disk.kind === 'new'
            ? [{ path: await imageFor(disk, onStep), format: disk.format }]
            : disk.kind === 'existing'
              ? [{ path: disk.path, format: disk.format }]
              : [];
        step = 'define';
        onStep(step);
        store.getState().upsertVm(await client.invoke('vm:define', { ...plan.definition, disks }));
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
