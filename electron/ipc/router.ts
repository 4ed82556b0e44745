// The one door into the engine for both transports: channel → validated request → the engine's method for that
// channel (`methodOf`, a name derived from the channel map) → result envelope. Nothing reaches the engine unvalidated,
// and nothing but a code and a worded message goes back out.
import {
  type Channel,
  channels,
  formatIssues,
  isCgvirtError,
  isChannel,
  methodOf,
  parseOptionsFor,
  quoteName,
  type Result,
  type WireError,
} from '../../shared';
import type { EngineApi } from '../engine/api';

import { payloadProblem } from './payload-limits';

export interface Router {
  /** Never rejects: every outcome, including a bug in the engine, is a Result. */
  handle(channel: unknown, payload: unknown): Promise<Result>;
}

/** Where INTERNAL errors' details go (they never cross to the page). */
export type InternalErrorLog = (channel: Channel, error: unknown) => void;

export interface RouterOptions {
  logInternal?: InternalErrorLog;
}

/** A CgvirtError's message is the engine's own words; this only keeps a runaway message from flooding the page. */
export const MAX_ERROR_MESSAGE = 4096;

const defaultLog: InternalErrorLog = (channel, error) => {
  console.error(`cgvirt: internal error on channel '${channel}':`, error);
};

const fail = (code: WireError['code'], message: string): Result => ({ ok: false, error: { code, message } });

export function createRouter(engine: EngineApi, options: RouterOptions = {}): Router {
  const logInternal = options.logInternal ?? defaultLog;

  const logSafely = (channel: Channel, e: unknown) => {
    try {
      logInternal(channel, e);
    } catch {
      // A failing logger must not turn a reply into a rejection.
    }
  };

  async function run<C extends Channel>(channel: C, payload: unknown): Promise<Result> {
    const schema = channels[channel].request;
    let parsed;
    try {
      parsed = schema.safeParse(payload, parseOptionsFor(schema));
    } catch (e) {
      // Validation itself threw: the payload found a gap in the checks. Refuse it, and log it like a bug.
      logSafely(channel, e);
      return fail('INVALID_ARG', 'payload could not be validated: it is not a request this channel takes');
    }
    if (!parsed.success) return fail('INVALID_ARG', formatIssues(parsed.error.issues));
    // The channel map types each method's request; past validation the correlation is the map's, not the compiler's.
    const method = engine[methodOf(channel)] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await method.call(engine, parsed.data) };
  }

  return {
    async handle(channel, payload) {
      if (!isChannel(channel)) {
        const shown = typeof channel === 'string' ? `'${quoteName(channel, 64)}'` : `of type ${typeof channel}`;
        return fail('INVALID_ARG', `unknown channel ${shown}`);
      }
      try {
        // A caller that passes nothing for a channel without fields (JSON drops `undefined`) means an empty request.
        const request = payload === undefined ? {} : payload;
        const tooBig = payloadProblem(request);
        if (tooBig) return fail('INVALID_ARG', tooBig);
        return await run(channel, request);
      } catch (e) {
        if (isCgvirtError(e)) {
          const message = e.message.length > MAX_ERROR_MESSAGE ? `${e.message.slice(0, MAX_ERROR_MESSAGE)}…` : e.message;
          return fail(e.code, message);
        }
        logSafely(channel, e);
        return fail('INTERNAL', `internal error while handling '${channel}'; the details are in the cgvirt log`);
      }
    },
  };
}
