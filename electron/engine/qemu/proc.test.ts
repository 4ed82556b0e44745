import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseProcStat, readProcCmdline, readProcStartTime, readProcStat } from './proc';

describe('/proc readers', () => {
  it('parses a stat line whose command name has spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // fields 3..52
    fields[0] = 'S';
    fields[1] = '77'; // ppid
    fields[19] = '123456'; // field 22
    expect(parseProcStat(`42 (qemu (x) y) ${fields.join(' ')}\n`)).toEqual({ state: 'S', ppid: 77, startTime: 123456 });
    expect(() => parseProcStat('garbage')).toThrow(/unexpected/);
  });

  it('reads a live child: its argv, a stable start time, its parent; and null once it is gone', async () => {
    // A shell waiting on its stdin: alive until we end it, with an argument holding a space.
    const child = spawn('/bin/sh', ['-c', 'read x', 'sh', 'an arg'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => child.once('exit', r));
    const pid = child.pid!;
    try {
      for (let i = 0; i < 200 && (await readProcCmdline(pid))?.[0] !== '/bin/sh'; i++) await new Promise((r) => setTimeout(r, 5));
      expect(await readProcCmdline(pid)).toEqual(['/bin/sh', '-c', 'read x', 'sh', 'an arg']);
      const st = await readProcStat(pid);
      expect(st?.ppid).toBe(process.pid);
      expect(await readProcStartTime(pid)).toBe(st?.startTime);
      expect(st!.startTime).toBeGreaterThan((await readProcStat(process.pid))!.startTime - 1);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(await readProcStat(pid)).toBeNull();
    expect(await readProcCmdline(pid)).toBeNull();
  });
});
