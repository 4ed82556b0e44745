import { describe, expect, it } from 'vitest';
import { busyPerTick, droppedFrames, TICK_MARK, type TraceEvent } from './main-thread';

const meta = (pid: number, tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', pid, tid, ts: 0, args: { name } });
const task = (ts: number, dur: number, tid = 1): TraceEvent => ({ name: 'ThreadControllerImpl::RunTask', ph: 'X', pid: 7, tid, ts, dur });
const mark = (ts: number): TraceEvent => ({ name: TICK_MARK, ph: 'R', pid: 7, tid: 1, ts });

describe('busyPerTick', () => {
  it('charges each tick the main-thread tasks from its own task to the next tick’s, other threads not', () => {
    const events = [
      meta(7, 1, 'CrRendererMain'),
      meta(7, 2, 'Compositor'),
      task(1_000, 900), // holds tick 1
      mark(1_100),
      task(2_500, 300), // its render
      task(2_600, 100), // nested in the one before: counted once
      task(2_600, 5_000, 2), // compositor: not main thread
      task(1_001_000, 1_200), // holds tick 2
      mark(1_001_500),
      task(1_900_000, 100),
      task(2_001_000, 50), // holds tick 3: no end, left out
      mark(2_001_010),
    ];
    expect(busyPerTick(events)).toEqual([1.2, 1.3]);
  });

  it('finds nothing without the page’s marks', () => {
    expect(busyPerTick([meta(7, 1, 'CrRendererMain'), task(0, 10)])).toEqual([]);
  });
});

describe('droppedFrames', () => {
  it('counts the refreshes an interval spans beyond the first', () => {
    expect(droppedFrames([16.7, 16.6, 16.7, 33.4, 16.7, 50.1, 16.7])).toEqual({ frames: 7, dropped: 3, refreshMs: 16.7 });
  });
});
