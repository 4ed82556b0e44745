// The main window's size and position across launches: a small JSON file in the config dir, validated when read (a
// damaged or hand-edited file means defaults, never a crash or a window off every screen).
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { WINDOW_SIZE, type WindowBounds } from './window-options';

const coord = z.number().int().min(-100_000).max(100_000);
export const windowStateSchema = z.object({
  x: coord.optional(),
  y: coord.optional(),
  width: z.number().int().min(WINDOW_SIZE.minWidth).max(20_000),
  height: z.number().int().min(WINDOW_SIZE.minHeight).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: WINDOW_SIZE.width, height: WINDOW_SIZE.height, maximized: false };

export async function readWindowState(file: string): Promise<WindowState> {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(windowStateSchema.parse(state))}\n`, { mode: 0o600 });
}

type Area = { x: number; y: number; width: number; height: number };

/**
 * The bounds to open with on the screens there are now: a saved position whose title bar would be on no screen
 * (a monitor was unplugged) is dropped so the window manager places it; the size is cut to the largest screen.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Area[]): WindowBounds {
  const largest = workAreas.reduce<Area | null>((a, b) => (a && a.width * a.height >= b.width * b.height ? a : b), null);
  const width = largest ? Math.min(state.width, largest.width) : state.width;
  const height = largest ? Math.min(state.height, largest.height) : state.height;
  if (state.x === undefined || state.y === undefined) return { width, height };
  // The top strip (where the title bar is) must be on some screen, at least 100 px of it, or the user cannot drag it.
  const { x, y } = state;
  const visible = workAreas.some((a) => y >= a.y && y < a.y + a.height && Math.min(x + width, a.x + a.width) - Math.max(x, a.x) >= 100);
  return visible ? { x, y, width, height } : { width, height };
}
