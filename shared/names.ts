import { z } from 'zod';
import { GUEST_NAME_MAX_BYTES } from './constants';

export const GUEST_NAME_RULE = `a guest name is 1 to ${GUEST_NAME_MAX_BYTES} bytes of UTF-8, not '.' or '..', ` + `without '/', NUL or control characters`;

const encoder = new TextEncoder();
// C0 controls, DEL and C1 controls: they break logs, terminals and /proc output, and NUL ends a C string.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Shows user text in a message without control characters, and cut short: a fuzzer's megabyte stays out of replies. */
export const quoteName = (name: string, max = 80): string => {
  const shown = JSON.stringify(name.length > max ? name.slice(0, max) : name).slice(1, -1);
  return name.length > max ? `${shown}…` : shown;
};

/** Why a guest name is refused, or null when it is allowed. The UI shows the same words as the engine. */
export function guestNameProblem(name: string): string | null {
  let why: string | null = null;
  if (name.length === 0) why = 'it is empty';
  else if (name === '.' || name === '..') why = `'${name}' names a directory, not a guest`;
  else if (name.includes('/')) why = "it contains '/'";
  else if (name.includes('\u0000')) why = 'it contains NUL';
  else if (CONTROL.test(name)) why = 'it contains a control character';
  else {
    const bytes = encoder.encode(name).length;
    if (bytes > GUEST_NAME_MAX_BYTES) why = `it is ${bytes} bytes long`;
  }
  return why === null ? null : `guest name '${quoteName(name)}' is not allowed: ${why}; ${GUEST_NAME_RULE}`;
}

export const guestNameSchema = z.string().superRefine((name, ctx) => {
  const problem = guestNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export type GuestName = z.infer<typeof guestNameSchema>;
