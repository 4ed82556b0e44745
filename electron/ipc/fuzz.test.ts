// The fuzz harness run in-process against the router and the engine test double (the lead runs the same harness over a
// WebSocket against the real engine). Also checks that the harness itself can fail.
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../shared';
import { type FuzzCase, fuzz, fuzzCases, replyProblem } from '../../testing/fuzz';
import { createRouter } from './router';
import { createFakeEngine } from '../../testing/fake-engine';
import { guest } from '../../testing/fixtures';
import { startWebServer } from './web-server';
import { connectWsClient } from '../../testing/ws-client';

describe('fuzzing the router', () => {
  it('answers 10,000 random and hostile requests with typed errors or valid answers, and keeps serving', async () => {
    const engine = createFakeEngine();
    const internal: unknown[] = [];
    const router = createRouter(engine, { logInternal: (_c, e) => internal.push(e) });
    // Some requests must reach handlers: a guest that exists, running, so live operations are allowed too.
    await router.handle('vm:define', { name: 'fuzz-guest', memoryMiB: 64, vcpus: 1 });
    await router.handle('vm:start', { name: 'fuzz-guest' });
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    const report = await fuzz((c, p) => router.handle(c, p), { count: 10_000, names: ['fuzz-guest', 'other'] });

    expect(report.problems).toEqual([]);
    expect(internal).toEqual([]);
    expect(report.sent).toBe(10_000);
    // The mix reached both sides of the door: refusals, and answers from handlers.
    expect(report.errors.INVALID_ARG).toBeGreaterThan(5_000);
    expect(report.ok).toBeGreaterThan(500);
    expect(report.errors.NO_DOMAIN + report.errors.OPERATION_INVALID).toBeGreaterThan(100);
    expect(new Set(engine.calls.map((c) => c.method)).size).toBeGreaterThan(15);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await router.handle('host:info', {})).ok).toBe(true);
  }, 120_000);

  // 4,000 here, because a 1.5 MB frame takes tens of ms on loopback; the 10,000 above cover the router itself.
  it('holds over a real WebSocket too (JSON turns NaN into null, drops undefined): one socket serves them all', async () => {
    const engine = createFakeEngine([guest('fuzz-guest', 'shutoff')]);
    const internal: unknown[] = [];
    const router = createRouter(engine, { logInternal: (_c, e) => internal.push(e) });
    const server = await startWebServer({ engine, router, staticDir: '/nonexistent', log: () => {} });
    const client = await connectWsClient(server.url);
    try {
      const report = await fuzz((c, p) => client.request(c, p), { count: 4_000, seed: 42, names: ['fuzz-guest'] });
      expect(report.problems).toEqual([]);
      expect(internal).toEqual([]);
      expect(report.sent).toBe(4_000);
      expect(report.ok).toBeGreaterThan(200);
      expect((await client.request('host:info', {})).ok).toBe(true);
      expect(server.transport.clientCount).toBe(1);
    } finally {
      await client.close();
      await server.close();
    }
  }, 120_000);

  it('generates every kind of hostile input, on every channel, replayably', () => {
    const cases = [...fuzzCases({ count: 10_000, seed: 7 })];
    const json = (c: FuzzCase) => {
      try {
        return JSON.stringify(c.payload) ?? '';
      } catch {
        return '';
      }
    };
    expect(new Set(cases.map((c) => c.channel)).size).toBeGreaterThan(CHANNEL_NAMES.length);
    for (const channel of CHANNEL_NAMES) expect(cases.some((c) => c.channel === channel)).toBe(true);
    expect(cases.some((c) => c.kind.startsWith("added key '__proto__'"))).toBe(true);
    expect(cases.some((c) => json(c).includes('"__proto__"'))).toBe(true);
    expect(cases.some((c) => json(c).includes('../'))).toBe(true);
    expect(cases.some((c) => json(c).length > 1_000_000)).toBe(true);
    expect(cases.some((c) => json(c).includes('[[[[[[[[[['))).toBe(true);
    const numbers = new Set<number>();
    const collect = (v: unknown, depth = 0): void => {
      if (typeof v === 'number') numbers.add(v);
      else if (typeof v === 'object' && v !== null && depth < 50) Object.values(v).forEach((x) => collect(x, depth + 1));
    };
    cases.forEach((c) => collect(c.payload));
    for (const n of [NaN, Infinity, -1, 2 ** 64]) expect(numbers.has(n)).toBe(true);
    expect([...fuzzCases({ count: 50, seed: 7 })].map(json)).toEqual(cases.slice(0, 50).map(json));
  }, 60_000);

  it('flags bad replies (so a passing run means something)', () => {
    const valid: FuzzCase = { channel: 'vm:log', payload: { name: 'a' }, kind: 'valid', mustRefuse: false };
    const refuse: FuzzCase = { ...valid, mustRefuse: true };
    expect(replyProblem(valid, { ok: true, value: { lines: ['x'] } })).toBeNull();
    expect(replyProblem(valid, { ok: false, error: { code: 'NO_DOMAIN', message: "no guest named 'a'" } })).toBeNull();
    expect(replyProblem(valid, { ok: true, value: { lines: 'x' } })).toMatch(/response schema/);
    expect(replyProblem(valid, { ok: false, error: { code: 'INTERNAL', message: 'oops' } })).toMatch(/INTERNAL/);
    expect(replyProblem(valid, { ok: false, error: { code: 'NO_DOMAIN', message: 'x\n    at f (/app/engine.ts:3:1)' } })).toMatch(/stack/);
    expect(replyProblem(valid, { ok: false, error: { code: 'BOGUS', message: 'x' } })).toMatch(/envelope/);
    expect(replyProblem(valid, undefined)).toMatch(/envelope/);
    expect(replyProblem(refuse, { ok: true, value: { lines: [] } })).toMatch(/cannot be valid/);
    expect(replyProblem(refuse, { ok: false, error: { code: 'NO_DOMAIN', message: 'x' } })).toMatch(/INVALID_ARG/);
    expect(replyProblem({ ...valid, channel: 'vm:nope' }, { ok: true, value: {} })).toMatch(/unknown channel/);
  });
});
