// Console tickets on a clock the test moves: single use, expiry, one guest and kind each, a bounded book.
import { describe, expect, it } from 'vitest';
import { CONSOLE_TICKET_TTL_MS } from '../../../shared';
import { MAX_OPEN_TICKETS, TicketBook } from './tickets';

const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
};

describe('console tickets', () => {
  it('are long, url-safe, random, and say how long they last', () => {
    const book = new TicketBook();
    const a = book.issue({ name: 'web', kind: 'serial' });
    const b = book.issue({ name: 'web', kind: 'serial' });
    expect(a.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.ticket).not.toBe(b.ticket);
    expect(a.expiresInMs).toBe(CONSOLE_TICKET_TTL_MS);
  });

  it('name their guest and kind, and work once', () => {
    const book = new TicketBook();
    const { ticket } = book.issue({ name: 'web', kind: 'vnc' });
    expect(book.take(ticket)).toEqual({ name: 'web', kind: 'vnc' });
    expect(() => book.take(ticket)).toThrow(/unknown or already used/);
    expect(() => book.take('made-up')).toThrow(expect.objectContaining({ code: 'OPERATION_INVALID' }));
  });

  it('expire after the TTL', () => {
    const c = clock();
    const book = new TicketBook(30_000, c.now);
    const early = book.issue({ name: 'web', kind: 'serial' }).ticket;
    const late = book.issue({ name: 'web', kind: 'serial' }).ticket;
    c.advance(29_999);
    expect(book.take(early).name).toBe('web');
    c.advance(1);
    expect(() => book.take(late)).toThrow('the console ticket expired (a ticket works for 30 s); ask console:ticket for a new one');
  });

  it('of a guest that stopped are forgotten; the book never holds more than its limit', () => {
    const c = clock();
    const book = new TicketBook(30_000, c.now);
    const web = book.issue({ name: 'web', kind: 'serial' }).ticket;
    const db = book.issue({ name: 'db', kind: 'serial' }).ticket;
    book.forget('web');
    expect(() => book.take(web)).toThrow(/unknown/);
    expect(book.take(db).name).toBe('db');
    for (let i = 0; i < MAX_OPEN_TICKETS + 10; i++) book.issue({ name: 'x', kind: 'vnc' });
    expect(book.size).toBe(MAX_OPEN_TICKETS);
    c.advance(30_000);
    book.issue({ name: 'x', kind: 'vnc' }); // issuing sweeps the expired ones
    expect(book.size).toBe(1);
  });
});
