import { describe, expect, it } from 'vitest';
import { definitionSchema } from '../../../shared';
import { formatRule } from '../cgroup';
import { describeAcl, diffAcl, planAcl } from './acl';

const def = (devices: object = {}, disks: object[] = [], nics: object[] = []) =>
  definitionSchema.parse({ name: 'g', uuid: '11111111-2222-4333-8444-555555555555', memoryMiB: 64, vcpus: 1, devices, disks, nics });

describe('ACL plans', () => {
  it('defaults (present on this host) + PTYs, minus what the guest goes without, plus extras', () => {
    const plan = planAcl(def({ omitDefaults: ['/dev/urandom'], extra: ['/dev/loop-control'] }));
    const rules = plan.entries.map((e) => `${e.source} ${formatRule(e.rule)}`);
    expect(rules).toContain('default c 1:3 rw');
    expect(rules).toContain('default c 136:* rw');
    expect(rules).toContain('extra c 10:237 rw');
    expect(rules).not.toContain('default c 1:9 rw');
    // a default missing on this host (no KVM here) is skipped with a note, not an error
    expect(plan.skipped.every((s) => s.source === 'default')).toBe(true);
  });

  it('image-file disks need no entry; a missing extra is skipped with the reason', () => {
    const plan = planAcl(def({ extra: ['/dev/definitely-not-here'] }, [{ path: '/etc/hostname' }]));
    expect(plan.entries.some((e) => e.source === 'disk')).toBe(false);
    expect(plan.skipped).toContainEqual({ path: '/dev/definitely-not-here', source: 'extra', note: "device '/dev/definitely-not-here' does not exist" });
  });

  it('diffs two plans into allows and denials, never denying what the new plan still needs', () => {
    const a = planAcl(def());
    const b = planAcl(def({ omitDefaults: ['/dev/urandom'], extra: ['/dev/loop-control'] }));
    const d = diffAcl(a, b);
    expect(d.allow.map(formatRule)).toEqual(['c 10:237 rw']);
    expect(d.deny.map(formatRule)).toEqual(['c 1:9 rw']);
    expect(diffAcl(a, a)).toEqual({ allow: [], deny: [] });
  });

  it('describes entries as live (the kernel allows them) and config (the definition does)', () => {
    const config = planAcl(def({ omitDefaults: ['/dev/urandom'] }));
    const live = planAcl(def());
    const kernel = live.entries.map((e) => e.rule);
    const entries = describeAcl(config, { plan: live, kernel });
    expect(entries.find((e) => e.path === '/dev/urandom')).toMatchObject({ live: true, config: false, source: 'default' });
    expect(entries.find((e) => e.path === '/dev/null')).toMatchObject({ live: true, config: true });
    expect(describeAcl(config, null).every((e) => !e.live)).toBe(true);
  });

  it('allows the TUN device (c 10:200 rw) to a guest with a bridged NIC, as its own source with a note; not on NAT', () => {
    const rules = (d: ReturnType<typeof def>) => planAcl(d).entries.map((e) => `${e.source} ${formatRule(e.rule)}`);
    expect(rules(def({}, [], [{ bridge: 'br0' }, {}]))).toContain('network c 10:200 rw');
    expect(rules(def({}, [], [{}])).some((r) => r.includes('10:200'))).toBe(false);
    const entries = describeAcl(planAcl(def({}, [], [{ bridge: 'br0' }])), null);
    expect(entries.find((e) => e.source === 'network')).toMatchObject({
      path: '/dev/net/tun',
      type: 'c',
      major: 10,
      minor: 200,
      access: 'rw',
      note: 'for the bridged network cards: QEMU attaches their taps through it',
    });
  });
});
