// UI scale: the window in Debian's Chromium with 1000 guests in the list and a stats tick every second, idle and while
// the list scrolls: frame time p95 and the page's JS heap. The engine and transport are the real ones (1000 real
// definitions); the ticks' numbers are made up at the engine's event boundary, because 1000 running QEMUs (32 GiB of
// guest RAM) do not fit this machine. The UI cannot tell: it is the same message, of the same size, at the same rate.
import { EventEmitter } from 'node:events';
import { chromium } from '@playwright/test';
import type { EventName, EventOf } from '../shared';
import type { EngineApi } from '../electron/engine/api';
import { startWebServer } from '../electron/ipc/web-server';
import { startEngineHarness } from '../testing/engine';
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
    await page.goto(server.url);
    const list = page.getByRole('listbox', { name: 'Guests' });
    await list.getByRole('option', { name: 'guest-0000', exact: true }).waitFor();
    await sleep(2000); // a couple of ticks in
    const idle = await page.evaluate<number[]>(frameProbe(seconds * 1000));
    const box = (await list.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const scrolling = page.evaluate<number[]>(frameProbe(seconds * 1000));
    const stopAt = Date.now() + seconds * 1000;
    while (Date.now() < stopAt) {
      await page.mouse.wheel(0, 400);
      await sleep(50);
    }
    const scrolled = await scrolling;
    const cdp = await page.context().newCDPSession(page);
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const rows = await list.getByRole('option').count();
    return [
      figure({
        id: 'ui.frame.idle.1000',
        title: `UI frame time, ${GUESTS} guests, 1 tick/s`,
        summary: summarize(idle, 'ms'),
        details: { 'rows in the DOM (virtualized)': rows },
      }),
      figure({ id: 'ui.frame.scroll.1000', title: `UI frame time while scrolling, ${GUESTS} guests`, summary: summarize(scrolled, 'ms') }),
      figure({ id: 'ui.heap.1000', title: `UI JS heap, ${GUESTS} guests`, summary: summarize([heap.usedSize / 2 ** 20], 'MiB') }),
    ];
  } finally {
    await browser.close();
    fed.stop();
    await server.close();
    await t.teardown();
  }
}
