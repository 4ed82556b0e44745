// Headless web mode: the same engine and UI served to a browser (like Cockpit), loopback by default.
//   node dist/electron/serve.js [--port N] [--listen ADDR] [--allow-remote] [--origin URL] [--rotate-token]
// Prints one line, `cgvirt serving at http://127.0.0.1:PORT/?token=TOKEN`, with the same token and (when free) port as
// last time (web-state.ts); SIGINT/SIGTERM stop the engine (guests keep running) and exit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCgvirtError } from '../shared';
import { createEngine, engineOptionsFromEnv } from './engine/index';
import { isLoopback, startWebServer } from './ipc/web-server';
import { parseServeArgs, remoteWarning, SERVE_USAGE } from './serve-args';
import { loadWebState, saveWebState } from './web-state';

async function main(): Promise<number> {
  let args;
  try {
    args = parseServeArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cgvirt serve: ${e instanceof Error ? e.message : String(e)}\n${SERVE_USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  // dist/electron/serve.js serves dist/renderer, which `npm run serve` builds first.
  const staticDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (!existsSync(join(staticDir, 'index.html'))) {
    console.error(`cgvirt serve: the UI is not built (no ${join(staticDir, 'index.html')}); run: npm run serve`);
    return 1;
  }
  if (!isLoopback(args.listen)) console.error(remoteWarning(args.listen));

  const options = engineOptionsFromEnv(process.env);
  let engine;
  try {
    engine = await createEngine(options, (note) => console.error(`cgvirt: ${note}`));
  } catch (e) {
    console.error(`cgvirt serve: the engine could not start: ${isCgvirtError(e) ? e.message : String(e)}`);
    return 1;
  }
  // The same token and port as last time, so a page left open reconnects by itself once serve is back.
  const web = loadWebState(options.configDir, { rotate: args.rotateToken, note: (line) => console.error(`cgvirt: ${line}`) });
  const listen = (port: number) => startWebServer({ engine, staticDir, host: args.listen, port, token: web.token, extraOrigins: args.origins });
  let server;
  try {
    const wanted = args.port ?? web.port ?? 0;
    server = await listen(wanted).catch((e: NodeJS.ErrnoException) => {
      // The last port is taken now (not asked for by --port): any free one will do, and the page is opened anew.
      if (args.port === null && wanted !== 0 && e.code === 'EADDRINUSE') return listen(0);
      throw e;
    });
    if (server.port !== web.port) saveWebState(options.configDir, { ...web, port: server.port });
  } catch (e) {
    console.error(`cgvirt serve: cannot listen on ${args.listen}:${args.port ?? web.port ?? 0}: ${e instanceof Error ? e.message : String(e)}`);
    await engine.close();
    return 1;
  }
  const done = new Promise<number>((exit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C means now.
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      // Guests outlive the manager: closing the engine stops watching and sampling, it does not stop QEMU.
      void Promise.allSettled([server.close()])
        .then(() => engine.close())
        .then(
          () => exit(0),
          (e: unknown) => {
            console.error(`cgvirt serve: error while stopping the engine: ${String(e)}`);
            exit(1);
          },
        );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Only now: whoever reads this line may signal at once, and the handlers above must already be in place.
  console.log(`cgvirt serving at ${server.url}`);
  return done;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('cgvirt serve: fatal:', e);
    process.exit(1);
  },
);
