// What `serve` keeps between runs, so an open page reconnects by itself after the engine restarts: the access token
// and the port last served on. One file in the config dir, 0600 (the token is the key to every guest), written
// atomically; a missing or unreadable one is replaced, and --rotate-token replaces the token on purpose.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';

export const WEB_STATE_FILE = 'web.json';

const webStateSchema = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  port: z.number().int().min(1).max(65535).optional(),
});
export type WebState = z.infer<typeof webStateSchema>;

const newToken = () => randomBytes(32).toString('base64url');

/**
 * The saved state, or a new one (saved at once) when there is none, it cannot be read, or `rotate` asks for a new
 * token. `note` says which, when it is not the plain case.
 */
export function loadWebState(configDir: string, { rotate = false, note }: { rotate?: boolean; note: (line: string) => void }): WebState {
  const file = join(configDir, WEB_STATE_FILE);
  let saved: WebState | null = null;
  try {
    const parsed = webStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) saved = parsed.data;
    else note(`${file} is not a cgvirt web state (${parsed.error.issues[0]?.message ?? 'invalid'}); a new token replaces it`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') note(`${file} cannot be read (${(e as Error).message}); a new token replaces it`);
  }
  if (saved && !rotate) return saved;
  if (rotate) note('a new access token replaces the old one: pages opened with the old address must be opened again');
  const state: WebState = { token: newToken(), ...(saved?.port ? { port: saved.port } : {}) };
  saveWebState(configDir, state);
  return state;
}

export function saveWebState(configDir: string, state: WebState): void {
  writeFileAtomic.sync(join(configDir, WEB_STATE_FILE), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}
