// What a Chromium trace and a run of frame intervals say about the window's headroom: the renderer main thread's busy
// time per stats tick (every top-level task from the task that received one tick to the one that received the next:
// script, React's render, style, layout, paint), and the frames dropped (an interval that spans more than one refresh).

/** The subset of a Chrome trace event this reads (the JSON `traceEvents` of Tracing.start). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  /** µs */
  ts: number;
  /** µs, for complete ('X') events */
  dur?: number;
  args?: { name?: string };
}

/** The user-timing mark the page sets when a stats tick arrives (bench/ui.ts installs it). */
export const TICK_MARK = 'cgvirt-tick';

/** The renderer's main thread: the thread named CrRendererMain that set the tick marks. */
function mainThread(events: readonly TraceEvent[]): { pid: number; tid: number } | null {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const marked = events.find((e) => e.name === TICK_MARK && mains.some((m) => m.pid === e.pid && m.tid === e.tid));
  return marked ? { pid: marked.pid, tid: marked.tid } : null;
}

/** A top-level task's event: 'ThreadControllerImpl::RunTask' in Chromium 150, 'RunTask' in older ones. */
const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** Tasks in time order without the ones nested in another (a nested run loop), so no time counts twice. */
function outermost(tasks: TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const t of [...tasks].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)) {
    const last = out.at(-1);
    if (!last || t.ts >= last.ts + last.dur!) out.push(t);
  }
  return out;
}

/**
 * Main-thread busy time (ms) charged to each tick: the top-level tasks from the one that holds a tick's
 * mark up to the next tick's task. The last tick has no end and is left out, so each value is one whole tick.
 */
export function busyPerTick(events: readonly TraceEvent[]): number[] {
  const main = mainThread(events);
  if (!main) return [];
  const on = (e: TraceEvent) => e.pid === main.pid && e.tid === main.tid;
  const tasks = outermost(events.filter((e) => on(e) && e.ph === 'X' && TASK_NAMES.has(e.name) && e.dur !== undefined));
  const marks = events.filter((e) => on(e) && e.name === TICK_MARK).map((e) => e.ts);
  const starts = marks.map((ts) => tasks.find((t) => t.ts <= ts && ts <= t.ts + t.dur!)?.ts ?? ts).sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const busy = tasks.filter((t) => t.ts >= starts[i]! && t.ts < starts[i + 1]!).reduce((sum, t) => sum + t.dur!, 0);
    out.push(busy / 1000);
  }
  return out;
}

/**
 * Frames dropped in a run of requestAnimationFrame intervals (ms): the refresh interval is their median, and an
 * interval of n refreshes (rounded) means n - 1 frames were not drawn.
 */
export function droppedFrames(intervals: readonly number[]): { frames: number; dropped: number; refreshMs: number } {
  const sorted = [...intervals].sort((a, b) => a - b);
  const refreshMs = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const dropped = intervals.reduce((n, ms) => n + Math.max(0, Math.round(ms / refreshMs) - 1), 0);
  return { frames: intervals.length, dropped, refreshMs };
}
