import { describe, expect, it } from 'vitest';
import { Scrollback, SCROLLBACK_BYTES } from './scrollback';

describe('the serial scrollback', () => {
  it('keeps everything while it fits, oldest first', () => {
    const s = new Scrollback(10);
    s.append(Buffer.from('abc'));
    s.append(Buffer.from('def'));
    expect(s.contents().toString()).toBe('abcdef');
  });

  it('keeps only the last `capacity` bytes, cutting inside a chunk when it must', () => {
    const s = new Scrollback(10);
    s.append(Buffer.from('0123456'));
    s.append(Buffer.from('789ab'));
    expect(s.contents().toString()).toBe('23456789ab');
    s.append(Buffer.from('cd'));
    expect(s.contents().toString()).toBe('456789abcd');
    expect(s.length).toBe(10);
    s.append(Buffer.from('a chunk longer than ten bytes'));
    expect(s.contents().toString()).toBe(' ten bytes');
  });

  it('holds 256 KiB by default', () => {
    const s = new Scrollback();
    for (let i = 0; i < 100; i++) s.append(Buffer.alloc(4096, i));
    expect(s.length).toBe(Math.min(100 * 4096, SCROLLBACK_BYTES));
    expect(SCROLLBACK_BYTES).toBe(256 * 1024);
    expect(s.contents().at(-1)).toBe(99);
  });
});
