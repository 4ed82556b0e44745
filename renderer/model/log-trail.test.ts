import { describe, expect, it } from 'vitest';
import { splitLog } from './log-trail';

describe('a guest log read as a trail and QEMU’s output', () => {
  it('puts cgvirt’s lines in the trail, in order, with the start line summarized, and keeps the rest as QEMU’s', () => {
    const { trail, qemu } = splitLog([
      '=== 2026-12-01T10:00:00.000Z cgvirt: starting /usr/bin/qemu-system-x86_64 -name guest=web -m 32 -S',
      'qemu-system-x86_64: warning: host doesn’t support requested feature',
      '=== 2026-12-01T10:00:05.000Z cgvirt: priority 2× (2048 shares), in effect now and saved',
      '=== 2026-12-01T10:01:00.000Z cgvirt: guest shutoff: forced off',
    ]);
    expect(trail).toEqual([
      {
        at: '2026-12-01T10:00:00.000Z',
        text: 'QEMU started (qemu-system-x86_64, 5 arguments)',
        full: 'starting /usr/bin/qemu-system-x86_64 -name guest=web -m 32 -S',
      },
      { at: '2026-12-01T10:00:05.000Z', text: 'priority 2× (2048 shares), in effect now and saved' },
      { at: '2026-12-01T10:01:00.000Z', text: 'guest shutoff: forced off' },
    ]);
    expect(qemu).toEqual(['qemu-system-x86_64: warning: host doesn’t support requested feature']);
  });
});
