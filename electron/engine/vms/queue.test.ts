import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './queue';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedQueue', () => {
  it('runs operations on one key in order, one at a time, even when one fails', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = q.run('web', async () => {
      log.push('a:start');
      await tick(20);
      log.push('a:end');
      throw new Error('a failed');
    });
    const b = q.run('web', async () => {
      log.push('b');
      return 2;
    });
    await expect(a).rejects.toThrow('a failed');
    expect(await b).toBe(2);
    expect(log).toEqual(['a:start', 'a:end', 'b']);
  });
  it('lets different keys overlap', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = q.run('a', async () => {
      log.push('a:start');
      await tick(20);
      log.push('a:end');
    });
    const b = q.run('b', async () => {
      log.push('b');
    });
    await Promise.all([a, b]);
    expect(log).toEqual(['a:start', 'b', 'a:end']);
    await q.idle();
  });
});
