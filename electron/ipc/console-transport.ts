// Guest consoles over WebSockets, for `serve` and its browser page: `CONSOLE_PATH?token=…&ticket=…`. The same gate as
// /ws (the token, the page's origin, a Host we serve), then the one-time ticket `console:ticket` gave: the engine's
// stream is opened before the upgrade, so a bad, used or expired ticket is an HTTP refusal with its reason, not a
// socket that opens and dies. Then bytes both ways in binary frames (a text frame's bytes are passed on as they are),
// and whichever side ends first ends the other, with the reason as the close frame's.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { CONSOLE_PATH, isCgvirtError } from '../../shared';
import type { ConsoleStream, EngineApi } from '../engine/api';
import { gateRefusal, refuseUpgrade, upgradeGate, upgradeUrl } from './ws-transport';

export interface ConsoleTransportOptions {
  server: Server;
  engine: Pick<EngineApi, 'openConsole'>;
  token: string;
  origins: readonly string[];
  hosts?: readonly string[];
  /** Largest frame a viewer may send (a pasted clipboard is the big one); a bigger one closes that socket (1009). */
  maxPayload?: number;
  /** Bytes queued to a viewer that does not read, before it is closed (1008) with the reason: the engine never queues more. */
  maxBuffered?: number;
  log?: (line: string) => void;
}

export interface ConsoleTransport {
  readonly clientCount: number;
  /** Stops accepting and closes every console socket (their streams end; the guests are untouched). */
  close(): Promise<void>;
}

/** A full 1080p frame in raw encoding is 8 MiB: a viewer two frames behind is dropped, not buffered for. */
export const CONSOLE_LIMITS = { maxPayload: 1 << 20, maxBuffered: 16 << 20, ticketChars: 256 } as const;

/**
 * Close codes: 1000 the stream ended (the reason says why: the guest stopped, the engine is stopping, the viewer
 * closed), 1001 this server stops, 1008 a limit (a viewer that did not keep up). ws itself answers 1009 for a frame
 * over the payload limit.
 */
export const CONSOLE_CLOSE = { ended: 1000, serverClosing: 1001, limit: 1008 } as const;

/** A byte count as a limit's message says it: '16 MiB', '64 KiB'. */
export const bytesWords = (n: number): string => (n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** Why a viewer was dropped for not reading. */
export const tooSlow = (maxBuffered: number): string => `this viewer did not keep up (over ${bytesWords(maxBuffered)} waiting); reconnect`;

/** A close frame's reason holds at most 123 bytes. */
function closeReason(reason: string): string {
  let r = reason.replace(/\s+/g, ' ');
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -2) + '…';
  return r;
}

const bytesOf = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

export function attachConsoleTransport(options: ConsoleTransportOptions): ConsoleTransport {
  const maxBuffered = options.maxBuffered ?? CONSOLE_LIMITS.maxBuffered;
  const log = options.log ?? ((line: string) => console.error(line));
  const gate = upgradeGate(options);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? CONSOLE_LIMITS.maxPayload });
  let closing = false;

  const pipe = (ws: WebSocket, stream: ConsoleStream) => {
    const end = (code: number, reason: string) => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, closeReason(reason));
    };
    stream.onData((chunk) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        // Dropped with the reason: the next viewer (or this one, reconnected) starts from a fresh screen or scrollback.
        end(CONSOLE_CLOSE.limit, tooSlow(maxBuffered));
        stream.close();
        return;
      }
      ws.send(chunk, { binary: true });
    });
    stream.onClose((reason) => end(closing ? CONSOLE_CLOSE.serverClosing : CONSOLE_CLOSE.ended, reason));
    ws.on('message', (data: RawData) => stream.write(bytesOf(data)));
    ws.on('close', () => stream.close());
    ws.on('error', (e) => {
      log(`cgvirt: console WebSocket error: ${e.message}`);
      stream.close();
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = upgradeUrl(req);
    if (!url || url.pathname !== CONSOLE_PATH) return; // the /ws transport answers every other path
    socket.on('error', () => socket.destroy());
    if (closing) return refuseUpgrade(socket, 503, 'the cgvirt server is stopping');
    const refusal = gateRefusal(req, url, gate);
    if (refusal) return refuseUpgrade(socket, refusal.status, refusal.why);
    const ticket = url.searchParams.get('ticket');
    if (!ticket) return refuseUpgrade(socket, 403, 'missing console ticket: ask console:ticket for one, then connect with ?ticket=');
    if (ticket.length > CONSOLE_LIMITS.ticketChars) return refuseUpgrade(socket, 403, 'the console ticket is unknown or already used');
    // The ticket is used up here, before the upgrade; a viewer that went away meanwhile closes what it opened.
    options.engine.openConsole(ticket).then(
      (stream) => {
        if (socket.destroyed || closing) return stream.close();
        // ws refuses a malformed handshake itself (400) without calling back: the stream must not outlive it.
        let piped = false;
        socket.once('close', () => piped || stream.close());
        wss.handleUpgrade(req, socket, head, (ws) => {
          piped = true;
          pipe(ws, stream);
        });
      },
      (e: unknown) => {
        if (!isCgvirtError(e)) log(`cgvirt: opening a console failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        const status = !isCgvirtError(e) ? 500 : e.code === 'OPERATION_FAILED' ? 503 : 403;
        refuseUpgrade(socket, status, isCgvirtError(e) ? e.message : 'internal error; the details are in the cgvirt log');
      },
    );
  };
  options.server.on('upgrade', onUpgrade);

  return {
    get clientCount() {
      return wss.clients.size;
    },
    async close() {
      closing = true;
      options.server.off('upgrade', onUpgrade);
      const open = [...wss.clients];
      for (const ws of open) ws.close(CONSOLE_CLOSE.serverClosing, 'the cgvirt server is stopping');
      // A viewer that does not answer the close frame soon is cut off.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((ws) => (ws.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise((r) => ws.once('close', r))))),
        new Promise((r) => (timer = setTimeout(r, 500))),
      ]);
      clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
