// Refuses payloads too large or too deep to be a real request before zod walks them. The WebSocket caps a frame's
// bytes, but Electron's structured clone carries whatever the renderer sends (cycles included), so the router checks.

/** The largest real request (vm:define with 16 disks of 4 KiB paths and 256 extra devices) is well under these. */
export const PAYLOAD_LIMITS = {
  /** Characters summed over all strings and keys. */
  chars: 1 << 20,
  /** Values (objects, arrays and primitives) in the whole payload. */
  nodes: 20_000,
  depth: 32,
} as const;
export type PayloadLimits = typeof PAYLOAD_LIMITS;

/** Why the payload is refused, or null when it fits. Iterative, so a 100,000-deep nesting cannot blow the stack. */
export function payloadProblem(payload: unknown, limits: PayloadLimits = PAYLOAD_LIMITS): string | null {
  let chars = 0;
  let nodes = 0;
  const onPath = new Set<object>();
  // Each entry is a value to visit at a depth, or an "exit" marker that takes a container off the current path.
  const stack: ({ value: unknown; depth: number } | { exit: object })[] = [{ value: payload, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if ('exit' in top) {
      onPath.delete(top.exit);
      continue;
    }
    const { value, depth } = top;
    if (++nodes > limits.nodes) return `payload has more than ${limits.nodes} values`;
    if (typeof value === 'string') chars += value.length;
    if (chars > limits.chars) return `payload is larger than ${limits.chars} characters`;
    if (typeof value !== 'object' || value === null) continue;
    // Structured clone also carries Maps, Dates and typed arrays; no request has them, and a typed array's keys are many.
    const proto: unknown = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
      return 'payload may hold only plain objects, arrays, strings, numbers, booleans and null';
    }
    if (depth >= limits.depth) return `payload is nested deeper than ${limits.depth} levels`;
    if (onPath.has(value)) return 'payload refers to itself (a cycle)';
    onPath.add(value);
    stack.push({ exit: value });
    if (Array.isArray(value)) {
      if (value.length > limits.nodes) return `payload has more than ${limits.nodes} values`;
      for (const child of value) stack.push({ value: child, depth: depth + 1 });
    } else {
      const keys = Object.keys(value);
      if (keys.length > limits.nodes) return `payload has more than ${limits.nodes} values`;
      for (const k of keys) {
        // A plain object whose own toString/valueOf is not a function throws when anything converts it to text or a
        // number (zod's length checks do, on any object with a `length`). No request has such a field.
        if (k === 'toString' || k === 'valueOf') return `payload may not contain a field named '${k}'`;
        chars += k.length;
        stack.push({ value: (value as Record<string, unknown>)[k], depth: depth + 1 });
      }
      if (chars > limits.chars) return `payload is larger than ${limits.chars} characters`;
    }
  }
  return null;
}
