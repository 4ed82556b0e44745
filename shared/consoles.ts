// A guest's consoles as byte streams: its screen (QEMU's VNC server on the guest's unix socket) and its first serial
// port. A client first asks `console:ticket` over the authenticated channel, then opens the stream with that ticket:
// in web mode a WebSocket on CONSOLE_PATH (token, Origin and Host checked like /ws), in the desktop window a
// MessagePort. A ticket names one guest and one kind, works once, and expires soon: a leaked URL is worth nothing.
import { z } from 'zod';
import { guestNameSchema } from './names';
import { hostPathSchema } from './values';

export const CONSOLE_KINDS = ['vnc', 'serial'] as const;
export type ConsoleKind = (typeof CONSOLE_KINDS)[number];

/** Where the web server accepts console WebSockets: `${CONSOLE_PATH}?token=…&ticket=…`. */
export const CONSOLE_PATH = '/console';
export const CONSOLE_TICKET_TTL_MS = 30_000;

export const consoleTicketRequestSchema = z.strictObject({ name: guestNameSchema, kind: z.enum(CONSOLE_KINDS) });
export const consoleTicketSchema = z.object({ ticket: z.string(), expiresInMs: z.number().int() });
export type ConsoleTicket = z.infer<typeof consoleTicketSchema>;

/**
 * A console stream as the window uses it: the part of the WebSocket interface noVNC's RFB accepts as a channel and
 * xterm needs (binary messages as ArrayBuffer). Web mode hands over a real WebSocket; the desktop window a MessagePort
 * wrapped to look like one.
 */
export interface ConsoleChannel {
  binaryType: string;
  readonly protocol: string;
  readonly readyState: number;
  send(data: ArrayBuffer | Uint8Array | string): void;
  close(): void;
  onopen: ((e: unknown) => void) | null;
  onmessage: ((e: { data: ArrayBuffer | string }) => void) | null;
  onclose: ((e: { code?: number; reason?: string }) => void) | null;
  onerror: ((e: unknown) => void) | null;
}

/** A CD-ROM drive's medium changed on a running guest (and in its definition): insert `path`, or eject when absent. */
export const mediaRequestSchema = z.strictObject({
  name: guestNameSchema,
  /** Index into the definition's `cdroms`. */
  drive: z.number().int().min(0),
  /** The image to insert (absolute, as a definition's `cdroms[].path`); absent: eject. */
  path: hostPathSchema.optional(),
  /** Eject even when the guest has locked the tray (as a user pressing the drive's button long). */
  force: z.boolean().optional(),
});
