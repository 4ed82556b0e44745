import { describe, it } from 'vitest';
import { missing, STRICT, type HostCapability } from './host';

/**
 * `describe` for a suite that needs host capabilities: runs when present; when absent it is skipped, or under
 * CGVIRT_STRICT=1 replaced by one failing test that names what is missing.
 */
export function describeOnHost(needs: HostCapability[], name: string, fn: () => void): void {
  const lacking = missing(...needs);
  if (lacking.length === 0) describe(name, fn);
  else if (STRICT) {
    describe(name, () => {
      it('has the host capabilities it needs', () => {
        throw new Error(`this host lacks ${lacking.join('; ')} (CGVIRT_STRICT=1 turns the skip into a failure)`);
      });
    });
  } else describe.skip(`${name} (skipped: this host lacks ${lacking.join('; ')})`, fn);
}
