// The web mode's access token arrives once in the page URL (`?token=...`, printed by `npm run serve`). It is taken out
// of the address bar at once, so it does not linger in history or screenshots, and kept for this tab so a reload works.
import { CONSOLE_PATH } from '../../shared';

export const TOKEN_STORAGE_KEY = 'cgvirt.token';

export interface TokenEnv {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Reads the token from the URL (removing it there) or from this tab's session storage; null when there is none. */
export function takeToken(env: TokenEnv): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    url.searchParams.delete('token');
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash);
    try {
      env.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token still works until the tab reloads.
    }
    return fromUrl;
  }
  try {
    return env.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The WebSocket endpoint of the page's own origin. */
export function wsUrlFor(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${location.host}/ws${query}`;
}

/**
 * A console stream's WebSocket (shared/consoles.ts): the same host, scheme and token as the page's `/ws` URL, on
 * CONSOLE_PATH, with the one-time ticket.
 */
export function consoleUrlFor(wsUrl: string, ticket: string): string {
  const u = new URL(wsUrl);
  const token = u.searchParams.get('token');
  const query = [...(token ? [`token=${encodeURIComponent(token)}`] : []), `ticket=${encodeURIComponent(ticket)}`].join('&');
  return `${u.protocol}//${u.host}${CONSOLE_PATH}?${query}`;
}
