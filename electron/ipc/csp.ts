// The page's Content Security Policy, one definition for both the Electron window and `serve`: only our own bundled
// scripts and styles run (no inline script or style element, no eval), nothing is framed, no form posts anywhere.
export interface CspOptions {
  /** Extra `connect-src` sources, e.g. `ws://127.0.0.1:8080` (older browsers do not count ws: as 'self'). */
  connect?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React and uPlot set styles through the CSSOM (element.style), which CSP allows; only <style> elements are barred.
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
