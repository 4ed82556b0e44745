import { describe, expect, it } from 'vitest';
import { parseServeArgs } from './serve-args';

describe('serve arguments', () => {
  it('defaults to loopback and the last port (null: web-state.ts decides)', () => {
    expect(parseServeArgs([])).toEqual({ port: null, rotateToken: false, listen: '127.0.0.1', allowRemote: false, origins: [], help: false });
    expect(parseServeArgs(['--port', '0', '--rotate-token'])).toMatchObject({ port: 0, rotateToken: true });
    expect(parseServeArgs(['--port', '8080', '--listen', '::1'])).toMatchObject({ port: 8080, listen: '::1' });
  });

  it('needs --allow-remote for a non-loopback address', () => {
    expect(() => parseServeArgs(['--listen', '0.0.0.0'])).toThrow(/not a loopback address.*--allow-remote/);
    expect(() => parseServeArgs(['--listen', '192.168.1.5'])).toThrow(/--allow-remote/);
    expect(parseServeArgs(['--listen', '0.0.0.0', '--allow-remote'])).toMatchObject({ listen: '0.0.0.0', allowRemote: true });
  });

  it('refuses bad ports, addresses, origins and unknown options with what is allowed', () => {
    expect(() => parseServeArgs(['--port', '65536'])).toThrow("--port '65536' must be an integer in range [0, 65535]");
    expect(() => parseServeArgs(['--port', '-1'])).toThrow(/--port/);
    expect(() => parseServeArgs(['--port', '80; rm'])).toThrow(/--port/);
    expect(() => parseServeArgs(['--listen', 'evil.example'])).toThrow(/must be an IP address/);
    expect(() => parseServeArgs(['--origin', 'javascript:alert(1)'])).toThrow(/http or https/);
    expect(() => parseServeArgs(['--origin', 'not a url'])).toThrow(/must be a URL/);
    expect(() => parseServeArgs(['--bogus'])).toThrow(/bogus/);
    expect(parseServeArgs(['--origin', 'http://vmhost.example:8080/x', '--origin', 'https://a.example']).origins).toEqual([
      'http://vmhost.example:8080',
      'https://a.example',
    ]);
  });
});
