// A guest's CPU tuning as the engine applies it, and the priority changes drawn on the performance timeline. The
// values are the engine's scheduler answers kept in the fetched cache (kind 'sched'), in the definition's own shape
// (CpuTuning); while there is no fresh answer, the definition says what the engine applies.
import { CPU_SHARES, withSchedParams, type CpuTuning, type PriorityMarkEvent, type SchedParam, type ScopeFlags, type VmInfo } from '../../../shared';
import type { AppState, SliceCreator } from './app-state';
import { answered, isStale, stored, withEntry, type Fetched } from './fetched';

/** A priority change, drawn on the performance timeline. `at` is engine time. */
export interface PriorityMark {
  at: number;
  shares: number;
}

const MAX_MARKS = 32;
/** Changes closer together than this (a user tapping an arrow key) make one mark, at the latest value. */
export const MARK_MERGE_MS = 3000;

export interface TuningSlice {
  marks: Record<string, PriorityMark[]>;
  /**
   * The engine's answer to a `sched:set` of `sent` (default: the answer's own parameters). A config write changes the
   * saved definition as the engine does: by the parameters sent, not the full set it answers with.
   */
  schedApplied(name: string, params: readonly SchedParam[], flags?: ScopeFlags, sent?: readonly SchedParam[]): void;
  /** The engine's answer to the `sched:get` made at `version` (see the fetched slice). */
  schedRead(name: string, version: number, params: readonly SchedParam[]): void;
}

/** What the tuning selectors read: the guests and the scheduler answers. */
export interface TuningSource {
  vms: Readonly<Record<string, VmInfo>>;
  fetched: Pick<Fetched, 'sched'>;
}

const NO_TUNING: CpuTuning = {};

/** The CPU tuning the engine applies to a guest: its last fresh scheduler answer, else its definition's. */
export function currentCpu(s: TuningSource, name: string): CpuTuning {
  const answer = s.fetched.sched[name];
  if (answer?.data && !isStale(answer)) return answer.data;
  return s.vms[name]?.definition.cpu ?? NO_TUNING;
}

export const currentShares = (s: TuningSource, name: string): number => currentCpu(s, name).shares ?? CPU_SHARES.default;

/** The engine's record of priority changes as marks per guest, quick successive ones merged as the page merges them. */
export function marksFrom(events: readonly PriorityMarkEvent[]): Record<string, PriorityMark[]> {
  const out: Record<string, PriorityMark[]> = {};
  for (const e of events) {
    const list = (out[e.name] ??= []);
    const last = list[list.length - 1];
    if (last && e.at - last.at < MARK_MERGE_MS) list.pop();
    list.push({ at: e.at, shares: e.shares });
    if (list.length > MAX_MARKS) list.shift();
  }
  return out;
}

/** The marks with a priority change added, when the value really changed. */
export function marked(s: AppState, name: string, shares: number): Record<string, PriorityMark[]> {
  if (currentShares(s, name) === shares) return s.marks;
  const at = Date.now() + s.clockOffsetMs;
  const prev = s.marks[name] ?? [];
  const last = prev[prev.length - 1];
  const kept = last && at - last.at < MARK_MERGE_MS ? prev.slice(0, -1) : prev;
  return { ...s.marks, [name]: [...kept, { at, shares }].slice(-MAX_MARKS) };
}

/** The tuning, marks and (for a config write) definition after a scheduler answer; `fetched` is left to the caller. */
function afterAnswer(s: AppState, name: string, params: readonly SchedParam[], flags?: ScopeFlags, sent: readonly SchedParam[] = params) {
  const vm = s.vms[name]!;
  const cpu = withSchedParams(currentCpu(s, name), params);
  const vms = flags?.config ? { ...s.vms, [name]: { ...vm, definition: { ...vm.definition, cpu: withSchedParams(vm.definition.cpu, sent) } } } : s.vms;
  return { cpu, vms, marks: marked(s, name, cpu.shares ?? CPU_SHARES.default) };
}

export const tuningSlice: SliceCreator<TuningSlice> = (set) => ({
  marks: {},

  schedApplied: (name, params, flags, sent) =>
    set((s) => {
      if (!s.vms[name]) return {};
      const { cpu, vms, marks } = afterAnswer(s, name, params, flags, sent);
      return { vms, marks, fetched: withEntry(s.fetched, 'sched', name, (e) => stored(e, cpu)) };
    }),

  schedRead: (name, version, params) =>
    set((s) => {
      const entry = s.fetched.sched[name];
      // The guest is gone, or a newer answer is held: only the request is over.
      if (!s.vms[name] || (entry && version < entry.answered)) {
        return { fetched: withEntry(s.fetched, 'sched', name, (e) => ({ ...e, loading: false })) };
      }
      const { cpu, marks } = afterAnswer(s, name, params);
      return { marks, fetched: withEntry(s.fetched, 'sched', name, (e) => answered(e, version, { data: cpu, error: null })) };
    }),
});
