// Console tickets: what `console:ticket` hands out and `openConsole` takes. A ticket is 32 random bytes (url-safe
// base64, so it travels in a query string as is), names one guest and one kind, works once and expires after
// CONSOLE_TICKET_TTL_MS: a URL that leaks (a proxy log, the browser's history) is worth nothing a moment later.
import { randomBytes } from 'node:crypto';
import { CONSOLE_TICKET_TTL_MS, CgvirtError, type ConsoleKind } from '../../../shared';

export interface TicketGrant {
  name: string;
  kind: ConsoleKind;
}

/** Tickets outstanding at once, at most: a caller asking in a loop cannot make the book grow without bound. */
export const MAX_OPEN_TICKETS = 1024;

export class TicketBook {
  private readonly open = new Map<string, TicketGrant & { expiresAt: number }>();

  constructor(
    private readonly ttlMs = CONSOLE_TICKET_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(grant: TicketGrant): { ticket: string; expiresInMs: number } {
    this.sweep();
    // The oldest goes first (a Map keeps insertion order): a flood only spoils the flooder's own tickets.
    while (this.open.size >= MAX_OPEN_TICKETS) this.open.delete(this.open.keys().next().value!);
    const ticket = randomBytes(32).toString('base64url');
    this.open.set(ticket, { name: grant.name, kind: grant.kind, expiresAt: this.now() + this.ttlMs });
    return { ticket, expiresInMs: this.ttlMs };
  }

  /** The grant of a ticket, which is used up by this call; OPERATION_INVALID for an unknown, used or expired one. */
  take(ticket: string): TicketGrant {
    const entry = this.open.get(ticket);
    this.open.delete(ticket);
    if (!entry) throw new CgvirtError('OPERATION_INVALID', 'the console ticket is unknown or already used; ask console:ticket for a new one');
    if (entry.expiresAt <= this.now()) {
      throw new CgvirtError(
        'OPERATION_INVALID',
        `the console ticket expired (a ticket works for ${this.ttlMs / 1000} s); ask console:ticket for a new one`,
      );
    }
    return { name: entry.name, kind: entry.kind };
  }

  /** Forgets every ticket of `name` (its guest stopped: a ticket must not open the next run's console). */
  forget(name: string): void {
    for (const [ticket, entry] of this.open) if (entry.name === name) this.open.delete(ticket);
  }

  clear(): void {
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [ticket, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(ticket);
  }
}
