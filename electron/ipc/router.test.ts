// The router against a recording test double of the engine: validation before any handler, the error envelope, and
// what may cross the boundary. The real engine behind this router is tested over a WebSocket in the integration suite.
import { describe, expect, it } from 'vitest';
import { type Channel, CHANNEL_NAMES, CgvirtError, type RequestOf, type Result, schedParamsOf } from '../../shared';
import { createRouter } from './router';
import { createFakeEngine } from '../../testing/fake-engine';

const define: RequestOf<'vm:define'> = { name: 'web', memoryMiB: 64, vcpus: 1 };

async function setup() {
  const engine = createFakeEngine();
  const internal: unknown[] = [];
  const router = createRouter(engine, { logInternal: (_c, e) => internal.push(e) });
  const ok = async (channel: Channel, payload: unknown) => {
    const r = await router.handle(channel, payload);
    if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  await ok('vm:define', define);
  engine.calls.length = 0;
  return { engine, router, internal, ok };
}

const errorOf = (r: Result) => {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
};

/** Per channel, a payload with one wrong field and the field the message must name (others get an unknown field). */
const malformed: { [C in Channel]?: { payload: unknown; field: string } } = {
  'host:info': { payload: { verbose: true }, field: "'verbose'" },
  'vm:list': { payload: { all: 1 }, field: "'all'" },
  'vm:broken': { payload: [], field: 'payload' },
  'vm:get': { payload: { name: 42 }, field: 'name' },
  'vm:define': { payload: { ...define, memoryMiB: '64' }, field: 'memoryMiB' },
  'vm:update': { payload: { ...define, vcpus: 0 }, field: 'vcpus' },
  'vm:undefine': { payload: { name: '../etc' }, field: 'guest name' },
  'vm:start': { payload: {}, field: 'name' },
  'vm:shutdown': { payload: { name: null }, field: 'name' },
  'vm:destroy': { payload: { name: 'web', force: true }, field: "'force'" },
  'vm:pause': { payload: 'web', field: 'payload' },
  'vm:resume': { payload: { name: ['web'] }, field: 'name' },
  'vm:reboot': { payload: { name: '' }, field: 'guest name' },
  'vm:attachDisk': { payload: { name: 'web', disk: { path: '/d.img', format: 'vmdk' } }, field: 'disk.format' },
  'vm:detachDisk': { payload: { name: 'web', path: 'relative.img' }, field: "path 'relative.img'" },
  'vm:log': { payload: { name: 'web', lines: 0 }, field: 'lines' },
  'sched:getType': { payload: { name: 'web', type: 'posix' }, field: "'type'" },
  'sched:get': { payload: { name: 'web', flags: { live: 'yes' } }, field: 'flags.live' },
  'sched:set': { payload: { name: 'web', params: {} }, field: 'params' },
  'devices:host': { payload: null, field: 'payload' },
  'devices:get': { payload: { name: 'web', extra: [] }, field: "'extra'" },
  'devices:set': { payload: { name: 'web', omitDefaults: ['/dev/sda'] }, field: 'omitDefaults[0]' },
  'storage:create': { payload: { fileName: 'a.img', format: 'raw', sizeMiB: -1 }, field: 'sizeMiB' },
};

describe('router validation', () => {
  it.each(CHANNEL_NAMES)('%s refuses a malformed payload with INVALID_ARG naming the field, before any handler', async (channel) => {
    const { engine, router } = await setup();
    const { payload, field } = malformed[channel] ?? { payload: { bogus: true }, field: "'bogus'" };
    const error = errorOf(await router.handle(channel, payload));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toContain(field);
    expect(engine.calls).toEqual([]);
  });

  it('says what is allowed, not only what is wrong', async () => {
    const { router } = await setup();
    expect(errorOf(await router.handle('vm:log', { name: 'web', lines: 0 })).message).toBe('lines: must be an integer in range [1, 10000], not 0');
    expect(errorOf(await router.handle('vm:attachDisk', { name: 'web', disk: { path: '/d.img', format: 'vmdk' } })).message).toBe(
      "disk.format: must be one of 'raw', 'qcow2', not 'vmdk'",
    );
    expect(errorOf(await router.handle('vm:get', { name: 'web', force: 1 })).message).toBe("payload: unknown field 'force'; allowed: name");
    expect(errorOf(await router.handle('vm:get', {})).message).toBe('name: is required (a string)');
    expect(errorOf(await router.handle('storage:create', { fileName: 'a', format: 'raw', sizeMiB: 1.5 })).message).toBe(
      'sizeMiB: must be an integer in range [1, 16777216], not 1.5',
    );
  });

  it("keeps the schemas' own words unchanged", async () => {
    const { router } = await setup();
    expect(errorOf(await router.handle('vm:define', { ...define, cpu: { shares: 300000 } })).message).toBe("shares '300000' must be in range [2, 262144]");
    expect(errorOf(await router.handle('vm:define', { ...define, memoryMiB: 'lots' })).message).toBe('memoryMiB must be a number, not string');
  });

  it('reports several problems in one message, and at most three of them', async () => {
    const { router } = await setup();
    const message = errorOf(await router.handle('vm:define', { name: 5, memoryMiB: 'x', vcpus: 'y', vnc: 1, autostart: 2 })).message;
    expect(message).toMatch(
      /^name: must be a string, not 5; memoryMiB must be a number, not string; vcpus must be a number, not string \(and 2 more problems\)$/,
    );
  });

  it('fills defaults before the handler runs', async () => {
    const { engine, ok } = await setup();
    await ok('vm:log', { name: 'web' });
    expect(engine.calls).toEqual([{ method: 'vmLog', args: [{ name: 'web', lines: 200 }] }]);
  });

  it('treats a missing payload as an empty request', async () => {
    const { router } = await setup();
    expect(await router.handle('vm:list', undefined)).toMatchObject({ ok: true });
    expect(errorOf(await router.handle('vm:get', undefined)).message).toBe('name: is required (a string)');
  });
});

describe('typed scheduler parameters (libvirt words)', () => {
  const set = (params: unknown, flags?: unknown) => ({ name: 'web', params, ...(flags === undefined ? {} : { flags }) });

  it('refuses a wrong type, an unknown field and a duplicate', async () => {
    const { router, engine } = await setup();
    const wrongType = errorOf(await router.handle('sched:set', set([{ field: 'cpu_shares', type: 'string', value: '2048' }])));
    expect(wrongType).toEqual({ code: 'INVALID_ARG', message: "invalid type 'string' for parameter 'cpu_shares', expected 'ullong'" });
    const unknown = errorOf(await router.handle('sched:set', set([{ field: 'bogus', type: 'ullong', value: 1 }])));
    expect(unknown).toEqual({ code: 'INVALID_ARG', message: "parameter 'bogus' not supported" });
    const twice = errorOf(
      await router.handle(
        'sched:set',
        set([
          { field: 'cpu_shares', type: 'ullong', value: 2048 },
          { field: 'cpu_shares', type: 'ullong', value: 512 },
        ]),
      ),
    );
    expect(twice).toEqual({ code: 'INVALID_ARG', message: "parameter 'cpu_shares' is given more than once" });
    const range = errorOf(await router.handle('sched:set', set([{ field: 'cpu_shares', type: 'ullong', value: 1 }])));
    expect(range).toEqual({ code: 'INVALID_ARG', message: "shares '1' must be in range [2, 262144]" });
    expect(engine.calls).toEqual([]);
  });

  it('passes a valid set to the engine and answers its parameters', async () => {
    const { router, engine } = await setup();
    const r = await router.handle('sched:set', set([{ field: 'cpu_shares', type: 'ullong', value: 2048 }], { config: true }));
    expect(r).toEqual({ ok: true, value: { params: schedParamsOf({ shares: 2048 }) } });
    expect(engine.calls).toEqual([
      { method: 'schedSet', args: [{ name: 'web', params: [{ field: 'cpu_shares', type: 'ullong', value: 2048 }], flags: { config: true } }] },
    ]);
  });

  it("carries the engine's OPERATION_INVALID for live on a shut-off guest", async () => {
    const { router } = await setup();
    const error = errorOf(await router.handle('sched:set', set([{ field: 'cpu_shares', type: 'ullong', value: 2048 }], { live: true })));
    expect(error.code).toBe('OPERATION_INVALID');
  });

  it('sched:getType answers posix and the parameter count', async () => {
    const { ok } = await setup();
    expect(await ok('sched:getType', { name: 'web' })).toEqual({ type: 'posix', nparams: 3 });
  });
});

describe('unknown channels', () => {
  it.each([['vm:nope'], ['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty'], [''], [42], [null], [{ channel: 'vm:list' }]])(
    'refuses %j',
    async (channel) => {
      const { router, engine } = await setup();
      const error = errorOf(await router.handle(channel, {}));
      expect(error.code).toBe('INVALID_ARG');
      expect(error.message).toMatch(/^unknown channel /);
      expect(engine.calls).toEqual([]);
    },
  );

  it('shows only a short, escaped piece of a huge or control-character channel name', async () => {
    const { router } = await setup();
    const error = errorOf(await router.handle(`x\u0000\n${'y'.repeat(100_000)}`, {}));
    expect(error.message.length).toBeLessThan(120);
    expect(error.message).not.toMatch(/[\u0000\n]/);
  });
});

describe('errors crossing the boundary', () => {
  it('keeps a CgvirtError code and message', async () => {
    const { router } = await setup();
    expect(errorOf(await router.handle('vm:get', { name: 'ghost' }))).toEqual({ code: 'NO_DOMAIN', message: "no guest named 'ghost'" });
    const { router: r2, engine } = await setup();
    engine.throwOn('hostInfo', new CgvirtError('UNSUPPORTED', 'the cpu controller is not mounted'));
    expect(errorOf(await r2.handle('host:info', {}))).toEqual({ code: 'UNSUPPORTED', message: 'the cpu controller is not mounted' });
  });

  it('turns any other throw into INTERNAL without its message, stack or paths, and logs the detail', async () => {
    const { router, engine, internal } = await setup();
    const bug = new Error("ENOENT: no such file or directory, open '/var/lib/cgvirt/secret/web.json'");
    engine.throwOn('vmStart', bug);
    const error = errorOf(await router.handle('vm:start', { name: 'web' }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe("internal error while handling 'vm:start'; the details are in the cgvirt log");
    expect(internal).toEqual([bug]);
  });

  it('turns a thrown non-Error, and an Error dressed up with a code, into INTERNAL', async () => {
    const { router, engine } = await setup();
    engine.throwOn('vmList', 'a string');
    expect(errorOf(await router.handle('vm:list', {})).code).toBe('INTERNAL');
    engine.throwOn('hostInfo', Object.assign(new Error('/etc/shadow'), { code: 'NO_DOMAIN' }));
    const error = errorOf(await router.handle('host:info', {}));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain('/etc');
  });

  it('never rejects, even when the logger throws', async () => {
    const engine = createFakeEngine();
    engine.throwOn('vmList', new TypeError('x is undefined'));
    const router = createRouter(engine, {
      logInternal: () => {
        throw new Error('log disk full');
      },
    });
    expect((await router.handle('vm:list', {})).ok).toBe(false);
  });

  it('cuts a runaway engine message short', async () => {
    const { router, engine } = await setup();
    engine.throwOn('vmList', new CgvirtError('OPERATION_FAILED', 'z'.repeat(100_000)));
    expect(errorOf(await router.handle('vm:list', {})).message.length).toBeLessThanOrEqual(4097);
  });
});

describe('hostile payloads', () => {
  it('refuses a huge string before zod or the handler sees it', async () => {
    const { router, engine } = await setup();
    const error = errorOf(await router.handle('vm:get', { name: 'x'.repeat(2 << 20) }));
    expect(error).toEqual({ code: 'INVALID_ARG', message: 'payload is larger than 1048576 characters' });
    expect(engine.calls).toEqual([]);
  });

  it('refuses deep nesting, cycles, binary data and too many values', async () => {
    const { router } = await setup();
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(errorOf(await router.handle('vm:get', { name: deep })).message).toBe('payload is nested deeper than 32 levels');
    const cycle: Record<string, unknown> = { name: 'web' };
    cycle.self = cycle;
    expect(errorOf(await router.handle('vm:get', cycle)).message).toBe('payload refers to itself (a cycle)');
    expect(errorOf(await router.handle('vm:get', { name: new Uint8Array(1 << 20) })).message).toMatch(/only plain objects/);
    expect(errorOf(await router.handle('vm:get', { name: new Array(50_000).fill(0) })).message).toMatch(/more than 20000 values/);
  });

  it('refuses prototype keys as unknown fields and pollutes nothing', async () => {
    const { router, engine } = await setup();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const payload = JSON.parse(`{"name":"web","${key}":{"polluted":true}}`);
      const error = errorOf(await router.handle('vm:get', payload));
      expect(error.message).toBe(`payload: unknown field '${key}'; allowed: name`);
      const nested = JSON.parse(`{"name":"web","flags":{"${key}":{"polluted":true}}}`);
      expect(errorOf(await router.handle('sched:get', nested)).code).toBe('INVALID_ARG');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(engine.calls).toEqual([]);
  });

  it('refuses objects that throw when converted to text (found by the fuzzer: zod length checks coerce them)', async () => {
    const { router, engine, internal } = await setup();
    const poisoned = JSON.parse('{"name":"web","extra":{"length":[{"toString":1}]}}');
    expect(errorOf(await router.handle('devices:set', poisoned))).toEqual({
      code: 'INVALID_ARG',
      message: "payload may not contain a field named 'toString'",
    });
    expect(errorOf(await router.handle('devices:set', JSON.parse('{"name":"web","extra":{"length":{"valueOf":1}}}'))).code).toBe('INVALID_ARG');
    expect(internal).toEqual([]);
    expect(engine.calls).toEqual([]);
  });

  it('answers INVALID_ARG, and logs, when validation itself throws', async () => {
    const { router, engine, internal } = await setup();
    // A null-prototype object cannot become a primitive; only an in-process caller can send one.
    const error = errorOf(await router.handle('devices:set', { name: 'web', extra: { length: Object.create(null) } }));
    expect(error).toEqual({ code: 'INVALID_ARG', message: 'payload could not be validated: it is not a request this channel takes' });
    expect(internal).toHaveLength(1);
    expect(engine.calls).toEqual([]);
  });

  it('refuses NaN, Infinity, negative and 2^64 numbers by name', async () => {
    const { router } = await setup();
    for (const lines of [NaN, Infinity, -1, 2 ** 64]) {
      expect(errorOf(await router.handle('vm:log', { name: 'web', lines })).message).toBe(`lines: must be an integer in range [1, 10000], not ${lines}`);
    }
  });
});
