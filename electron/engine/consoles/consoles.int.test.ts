// Guest consoles on the real engine with real QEMU: the echo boot-sector guest (testing/guests.ts) prints a banner on
// its serial port and echoes what it receives, under TCG and KVM; its VGA screen is QEMU's VNC server. The streams are
// the engine's own (`openConsole`), as both transports get them.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleKind } from '../../../shared';
import { describeOnHost } from '../../../testing/describe-on-host';
import { startEngineHarness, type EngineHarness } from '../../../testing/engine';
import { ECHO_BANNER } from '../../../testing/guests';
import { ByteQueue, fullFrameRequest, RFB_VERSION, rfbHandshake } from '../../../testing/rfb';
import type { ConsoleStream } from '../api';

let t: EngineHarness;
/** The engine after the restart test; torn down instead of `t` once it exists. */
let restarted: EngineHarness | undefined;
const open: ConsoleStream[] = [];
/** The serial chardev as QEMU reported it just before each guest's `cont`. */
const serialAtCont = new Map<string, string>();

/** A stream's bytes and its end, as a viewer sees them. */
function watch(stream: ConsoleStream) {
  const q = new ByteQueue();
  let closed: string | null = null;
  stream.onData((c) => q.push(c));
  stream.onClose((r) => {
    closed = r;
    q.end(r);
  });
  return { stream, q, closed: () => closed, send: (s: string | Uint8Array) => stream.write(typeof s === 'string' ? Buffer.from(s) : s) };
}

async function openConsole(h: EngineHarness, name: string, kind: ConsoleKind) {
  const { ticket } = await h.engine.consoleTicket({ name, kind });
  const stream = await h.engine.openConsole(ticket);
  open.push(stream);
  return watch(stream);
}

const kvm = existsSync('/dev/kvm');

describeOnHost(['root', 'cgroupV1', 'qemu'], 'guest consoles (real engine, real QEMU)', () => {
  beforeAll(async () => {
    t = await startEngineHarness({
      beforeCont: async ({ name, qmp }) => {
        const chardevs = await qmp.execute<{ label: string; filename: string }[]>('query-chardev');
        serialAtCont.set(name, chardevs.find((c) => c.label === 'cgvirt-serial')?.filename ?? 'none');
      },
    });
    await t.engine.vmDefine(t.guest('echo', 'echo', { accel: 'tcg', vnc: true }));
    await t.engine.vmDefine(t.guest('quiet', 'halt', { accel: 'tcg' }));
    await t.engine.vmStart({ name: 'echo' });
    await t.engine.vmStart({ name: 'quiet' });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await (restarted ?? t)?.teardown();
  });

  describe('serial', () => {
    it('is connected to the engine before the guest runs its first instruction', () => {
      // QEMU says "disconnected:unix:…" while no client holds the socket; output written then would be lost.
      expect(serialAtCont.get('echo')).toMatch(/^unix:.*\.serial,server=on$/);
    });

    it('shows the boot banner to a viewer opened after it was printed (the scrollback), and echoes what is typed', async () => {
      const first = await openConsole(t, 'echo', 'serial');
      await first.q.waitFor(ECHO_BANNER);
      const late = await openConsole(t, 'echo', 'serial'); // the banner is only in the scrollback now
      expect((await late.q.read(ECHO_BANNER.length)).toString('latin1')).toBe(ECHO_BANNER);
      late.send('ping\r');
      await late.q.waitFor('ping\r');
      // every viewer sees the guest's output, whoever typed
      await first.q.waitFor(`${ECHO_BANNER}ping\r`);
      first.stream.close();
      late.stream.close();
    });

    it('every byte value goes through both ways unchanged', async () => {
      const c = await openConsole(t, 'echo', 'serial');
      await c.q.read(c.q.length); // what is already there (the scrollback)
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      c.send(all);
      expect([...(await c.q.read(256))]).toEqual([...all]);
      c.stream.close();
    });

    it('a viewer that goes away leaves QEMU running, and the next viewer works', async () => {
      const a = await openConsole(t, 'echo', 'serial');
      a.send('half a li');
      a.stream.close(); // while the guest is still echoing
      expect(a.closed()).toBe('the viewer closed the console');
      expect(await t.qmpQuery<{ status: string }>('echo', 'query-status')).toMatchObject({ status: 'running' });
      expect((await t.engine.vmGet({ name: 'echo' })).state).toBe('running');
      const b = await openConsole(t, 'echo', 'serial');
      b.send('next\r');
      await b.q.waitFor('next\r');
      b.stream.close();
    });

    it.skipIf(!kvm)('the echo guest runs under KVM too', async () => {
      await t.engine.vmDefine(t.guest('echo-kvm', 'echo', { accel: 'kvm' }));
      await t.engine.vmStart({ name: 'echo-kvm' });
      try {
        const c = await openConsole(t, 'echo-kvm', 'serial');
        await c.q.waitFor(ECHO_BANNER);
        c.send('kvm\r');
        await c.q.waitFor(`${ECHO_BANNER}kvm\r`);
        expect(await t.qmpQuery<{ status: string }>('echo-kvm', 'query-status')).toMatchObject({ status: 'running' });
        c.stream.close();
      } finally {
        await t.engine.vmDestroy({ name: 'echo-kvm' });
      }
    });
  });

  describe('VNC', () => {
    it("is QEMU's VNC server: it greets with RFB 003.008, to several viewers at once", async () => {
      const a = await openConsole(t, 'echo', 'vnc');
      const b = await openConsole(t, 'echo', 'vnc');
      expect((await a.q.read(12)).toString('latin1')).toBe(RFB_VERSION);
      expect((await b.q.read(12)).toString('latin1')).toBe(RFB_VERSION);
      a.stream.close();
      b.stream.close();
    });

    it('a viewer that disconnects in the middle of a frame leaves QEMU and the guest untouched; the next viewer works', async () => {
      const a = await openConsole(t, 'echo', 'vnc');
      const init = await rfbHandshake(a.q, a.send);
      expect(init.width).toBeGreaterThan(0);
      a.send(fullFrameRequest(init));
      await a.q.read(4); // the FramebufferUpdate header: the frame is on its way
      a.stream.close();
      expect(await t.qmpQuery<{ status: string }>('echo', 'query-status')).toMatchObject({ status: 'running' });
      const b = await openConsole(t, 'echo', 'vnc');
      expect(await rfbHandshake(b.q, b.send)).toEqual(init);
      b.send(fullFrameRequest(init));
      const head = await b.q.read(4);
      expect(head[0]).toBe(0); // FramebufferUpdate
      b.stream.close();
      // and the serial port did not notice
      const s = await openConsole(t, 'echo', 'serial');
      s.send('after vnc\r');
      await s.q.waitFor('after vnc\r');
      s.stream.close();
    });
  });

  describe('tickets', () => {
    it('are refused, in words, for a guest that cannot show that console', async () => {
      await t.engine.vmDefine(t.guest('off', 'halt'));
      await expect(t.engine.consoleTicket({ name: 'off', kind: 'serial' })).rejects.toMatchObject({
        code: 'OPERATION_INVALID',
        message: "cannot open the serial console of guest 'off': it is shutoff; start it first",
      });
      await expect(t.engine.consoleTicket({ name: 'quiet', kind: 'vnc' })).rejects.toMatchObject({
        code: 'OPERATION_INVALID',
        message: expect.stringMatching(/^guest 'quiet' has no screen: it runs without VNC/),
      });
      await expect(t.engine.consoleTicket({ name: 'nobody', kind: 'serial' })).rejects.toMatchObject({ code: 'NO_DOMAIN' });
    });

    it('work once, name their guest, and a made-up one opens nothing', async () => {
      const { ticket, expiresInMs } = await t.engine.consoleTicket({ name: 'quiet', kind: 'serial' });
      expect(expiresInMs).toBe(30_000);
      const quiet = watch(await t.engine.openConsole(ticket));
      open.push(quiet.stream);
      await expect(t.engine.openConsole(ticket)).rejects.toThrow(/unknown or already used/);
      await expect(t.engine.openConsole('made-up')).rejects.toMatchObject({ code: 'OPERATION_INVALID' });
      // the ticket was for 'quiet' (a halting guest): it prints nothing and echoes nothing, unlike 'echo'
      quiet.send('anyone?\r');
      await new Promise((r) => setTimeout(r, 300));
      expect(quiet.q.length).toBe(0);
      quiet.stream.close();
    });
  });

  it('when the guest stops, its streams end with the reason and its unused tickets die with it', async () => {
    await t.engine.vmDefine(t.guest('brief', 'echo', { accel: 'tcg', vnc: true }));
    await t.engine.vmStart({ name: 'brief' });
    const serial = await openConsole(t, 'brief', 'serial');
    const screen = await openConsole(t, 'brief', 'vnc');
    const { ticket } = await t.engine.consoleTicket({ name: 'brief', kind: 'serial' });
    await t.engine.vmDestroy({ name: 'brief' });
    expect(serial.closed()).toBe('the guest stopped');
    expect(screen.closed()).toBe('the guest stopped');
    await t.engine.vmStart({ name: 'brief' });
    await expect(t.engine.openConsole(ticket)).rejects.toThrow(/unknown or already used/);
    await t.engine.vmDestroy({ name: 'brief' });
  });

  it('after an engine restart the new engine holds the serial port again, and it works', async () => {
    const before = await openConsole(t, 'echo', 'serial');
    await t.engine.close();
    expect(before.closed()).toBe('the cgvirt engine is stopping');
    restarted = await startEngineHarness({}, t.dirs);
    expect((await restarted.engine.vmGet({ name: 'echo' })).state).toBe('running');
    const after = await openConsole(restarted, 'echo', 'serial');
    after.send('again\r');
    await after.q.waitFor('again\r');
    const screen = await openConsole(restarted, 'echo', 'vnc');
    expect((await screen.q.read(12)).toString('latin1')).toBe(RFB_VERSION);
    after.stream.close();
    screen.stream.close();
  });
});
