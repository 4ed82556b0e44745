// Schemas of single values every other schema builds on: whole numbers in a range (a fraction is not "out of range"),
// absolute host paths.
import { z } from 'zod';
import { GUEST_LIMITS } from './constants';
import { quoteName } from './names';

const encoder = new TextEncoder();

/** Whole numbers in a range, with one message for each way to miss: a fraction is not "out of range". */
export const intIn = (what: string, min: number, max: number, range = `an integer in range [${min}, ${max}]`) =>
  z
    .number({ error: (i) => `${what} must be a number, not ${typeOfInput(i.input)}` })
    .refine((v) => Number.isInteger(v), { error: (i) => `${what} '${String(i.input)}' must be a whole number` })
    .refine((v) => v >= min && v <= max, { error: (i) => `${what} '${String(i.input)}' must be ${range}` });

export const typeOfInput = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** An absolute host path: QEMU and stat(2) get it as one argument, so anything but NUL is a legal file name. */
export const hostPathSchema = z.string().superRefine((p, ctx) => {
  let why: string | null = null;
  if (!p.startsWith('/')) why = 'it is not absolute';
  else if (p.includes('\u0000')) why = 'it contains NUL';
  else if (encoder.encode(p).length > GUEST_LIMITS.pathMaxBytes) why = `it is longer than ${GUEST_LIMITS.pathMaxBytes} bytes`;
  if (why) ctx.addIssue({ code: 'custom', message: `path '${quoteName(p)}' is not allowed: ${why}` });
});
