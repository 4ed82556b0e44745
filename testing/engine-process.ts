// An engine in a process of its own, for tests that must kill the engine (not its guests) and start another on the
// same dirs. Reads JSON commands on stdin ({"op":"define"|"start", ...}), answers one JSON line each.
// Run: node --import tsx testing/engine-process.ts   (dirs and partition from CGVIRT_HOME, XDG_RUNTIME_DIR,
// CGVIRT_CGROUP_PARTITION, as the real engine reads them)
import { createInterface } from 'node:readline';
import { definitionInputSchema } from '../shared';
import { createEngine, engineOptionsFromEnv } from '../electron/engine';

const engine = await createEngine({ ...engineOptionsFromEnv(), autostart: false });
console.log(JSON.stringify({ ready: process.pid }));
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as { op: 'define' | 'start'; def?: unknown; name?: string };
  try {
    const value = cmd.op === 'define' ? await engine.vmDefine(definitionInputSchema.parse(cmd.def)) : await engine.vmStart({ name: cmd.name! });
    console.log(JSON.stringify({ ok: true, value }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: (e as Error).message }));
  }
}
