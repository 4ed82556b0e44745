// UI scale: the window in Debian's Chromium with 1000 guests in the list and a stats tick every second: the main
// thread's busy time per tick (from a Chromium trace, see main-thread.ts), the frames dropped while the list scrolls,
// and the page's JS heap. (The frame interval alone only shows the 60 Hz refresh, never the headroom under it.) The engine and transport are the real ones (1000 real
// definitions); the ticks' numbers are made up at the engine's event boundary, because 1000 running QEMUs (32 GiB of
// guest RAM) do not fit this machine. The UI cannot tell: it is the same message, of the same size, at the same rate.
import { EventEmitter } from 'node:events';
import { chromium } from '@playwright/test';
import type { EventName, EventOf } from '../shared';
import type { EngineApi } from '../electron/engine/api';
import { startWebServer } from '../electron/ipc/web-server';
import { startEngineHarness } from '../testing/engine';
import { busyPerTick, droppedFrames, TICK_MARK, type TraceEvent } from './main-thread';
import { figure, summarize, type Figure } from './measure';

const GUESTS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The engine, with `stats:tick` fed by the bench instead of the sampler. */
function withSyntheticTicks(engine: EngineApi, names: string[]): { engine: EngineApi; stop(): void } {
  const ticks = new EventEmitter();
  const timer = setInterval(() => {
    const at = Date.now();
    ticks.emit('stats:tick', {
      at,
      guests: names.map((name, i) => ({ name, cpuPercent: (Math.sin(at / 3000 + i) + 1) * 50, cpuTimeUs: at * 10 + i, memoryBytes: 32 * 2 ** 20 })),
    });
  }, 1000);
  const proxy = Object.create(engine) as EngineApi;
  proxy.on = <E extends EventName>(event: E, listener: (p: EventOf<E>) => void) => {
    if (event !== 'stats:tick') return engine.on(event, listener);
    ticks.on(event, listener);
    return () => void ticks.off(event, listener);
  };
  return { engine: proxy, stop: () => clearInterval(timer) };
}

/**
 * Frame intervals (ms) over `ms` of wall time, recorded in the page with requestAnimationFrame. A string, not a function:
 * tsx's transform adds helpers to functions that do not exist in the page.
 */
const frameProbe = (ms: number) => `new Promise((resolve) => {
  const out = [];
  let last = performance.now();
  const end = last + ${ms};
  const frame = (now) => {
    out.push(now - last);
    last = now;
    if (now < end) requestAnimationFrame(frame);
    else resolve(out);
  };
  requestAnimationFrame(frame);
})`;

/** Installed before the page's own code: a user-timing mark in the trace where each stats tick's message arrives. */
const tickMarker = `(() => {
  const Native = WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('{"event":"stats:tick"')) performance.mark('${TICK_MARK}');
      });
    }
  };
})()`;

export async function benchUi(opts: { quick: boolean }): Promise<Figure[]> {
  const seconds = opts.quick ? 4 : 10;
  const t = await startEngineHarness({ statsIntervalMs: 60_000 });
  const names: string[] = [];
  for (let i = 0; i < GUESTS; i++) {
    const name = `guest-${String(i).padStart(4, '0')}`;
    names.push(name);
    await t.engine.vmDefine({ ...t.guest(name, 'halt'), disks: [] });
  }
  const fed = withSyntheticTicks(t.engine, names);
  const server = await startWebServer({ engine: fed.engine, staticDir: 'dist/renderer' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(tickMarker);
    await page.goto(server.url);
    const list = page.getByRole('listbox', { name: 'Guests' });
    await list.getByRole('option', { name: 'guest-0000', exact: true }).waitFor();
    await sleep(2000); // a couple of ticks in
    await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing', '__metadata'] });
    await sleep((seconds + 1) * 1000);
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    const perTick = busyPerTick(trace.traceEvents);
    if (perTick.length < seconds - 1) throw new Error(`the trace holds ${perTick.length} whole ticks, expected about ${seconds}: were the marks set?`);
    const box = (await list.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const scrolling = page.evaluate<number[]>(frameProbe(seconds * 1000));
    const stopAt = Date.now() + seconds * 1000;
    while (Date.now() < stopAt) {
      await page.mouse.wheel(0, 400);
      await sleep(50);
    }
    const scrolled = await scrolling;
    const frames = droppedFrames(scrolled);
    const cdp = await page.context().newCDPSession(page);
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const rows = await list.getByRole('option').count();
    return [
      figure({
        id: 'ui.tick.main-thread.1000',
        title: `UI main-thread time per stats tick, ${GUESTS} guests`,
        summary: summarize(perTick, 'ms'),
        details: { 'rows in the DOM (virtualized)': rows },
        note: 'every top-level task on the renderer main thread from one tick to the next (script, render, style, layout, paint)',
      }),
      figure({
        id: 'ui.scroll.dropped.1000',
        title: `UI frames dropped while scrolling, ${GUESTS} guests, 1 tick/s`,
        summary: summarize([frames.dropped], 'frames'),
        details: {
          frames: frames.frames,
          'refresh interval (ms)': Number(frames.refreshMs.toFixed(2)),
          'frame interval p95 (ms)': summarize(scrolled, 'ms').p95,
        },
      }),
      figure({ id: 'ui.heap.1000', title: `UI JS heap, ${GUESTS} guests`, summary: summarize([heap.usedSize / 2 ** 20], 'MiB') }),
    ];
  } finally {
    await browser.close();
    fed.stop();
    await server.close();
    await t.teardown();
  }
}
