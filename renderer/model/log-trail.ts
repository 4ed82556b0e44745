// A guest's log read as two things: the trail of what cgvirt did to it (its own lines: starts, stops, priority, cap
// and device changes, settings, a reattach after an engine restart) and QEMU's own output. The start line, which
// holds QEMU's whole command line, is summarized; the full line stays one click away.
export interface TrailEvent {
  /** ISO time of the line. */
  at: string;
  text: string;
  /** The whole line, when `text` is a summary of it. */
  full?: string;
}

const ENGINE_LINE = /^=== (\S+) cgvirt: (.*)$/;
const START = /^starting (\S+)(.*)$/;

/** What cgvirt said, in order, and the rest (QEMU's output), each in the order of the log. */
export function splitLog(lines: readonly string[]): { trail: TrailEvent[]; qemu: string[] } {
  const trail: TrailEvent[] = [];
  const qemu: string[] = [];
  for (const line of lines) {
    const m = ENGINE_LINE.exec(line);
    if (!m) {
      qemu.push(line);
      continue;
    }
    const [, at, text] = m as unknown as [string, string, string];
    const start = START.exec(text);
    if (start) {
      const args = start[2]!.trim().split(/\s+/).length;
      trail.push({ at, text: `QEMU started (${start[1]!.split('/').pop()}, ${args} arguments)`, full: text });
    } else trail.push({ at, text });
  }
  return { trail, qemu };
}
