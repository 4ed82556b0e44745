import { describe, expect, it } from 'vitest';
import { VM_STATES } from '../../shared';
import { consoleActive, noConsoleText } from './console-view';

describe('console view', () => {
  it('opens a console while QEMU runs the guest, stopping included, and not before it has begun', () => {
    expect(VM_STATES.filter(consoleActive)).toEqual(['running', 'paused', 'stopping']);
  });

  it('says why there is no console, and what to do', () => {
    expect(noConsoleText('shutoff', 'screen')).toBe('The guest is shut off: start it to see its screen');
    expect(noConsoleText('crashed', 'serial console')).toBe('The guest crashed: start it again to see its serial console');
    expect(noConsoleText('starting', 'screen')).toBe('The guest is starting: its screen appears when it runs');
  });
});
