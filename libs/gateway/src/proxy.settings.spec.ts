import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '@switchyard/config';
import { ProxySettings } from './proxy.settings.js';

describe('ProxySettings', () => {
  it('gives the proxy gateway timeouts and a response limit by default', () => {
    const settings = loadEnvironment(ProxySettings, {});
    expect([
      settings.PROXY_HEADERS_TIMEOUT_MS,
      settings.PROXY_REQUEST_TIMEOUT_MS,
      settings.PROXY_KEEP_ALIVE_TIMEOUT_MS,
      settings.PROXY_MAX_RESPONSE_BODY_BYTES,
    ]).toEqual([10_000, 60_000, 65_000, 10 * 1024 * 1024]);
  });

  it('reads them from the environment', () => {
    const settings = loadEnvironment(ProxySettings, {
      PROXY_HEADERS_TIMEOUT_MS: '2000',
      PROXY_REQUEST_TIMEOUT_MS: '5000',
      PROXY_KEEP_ALIVE_TIMEOUT_MS: '7000',
      PROXY_MAX_RESPONSE_BODY_BYTES: '4096',
    });
    expect(settings).toMatchObject({
      PROXY_HEADERS_TIMEOUT_MS: 2000,
      PROXY_REQUEST_TIMEOUT_MS: 5000,
      PROXY_KEEP_ALIVE_TIMEOUT_MS: 7000,
      PROXY_MAX_RESPONSE_BODY_BYTES: 4096,
    });
  });

  it('refuses a head deadline past the whole request deadline, naming both', () => {
    expect(() => loadEnvironment(ProxySettings, { PROXY_HEADERS_TIMEOUT_MS: '70000' })).toThrow(
      'PROXY_HEADERS_TIMEOUT_MS must not be larger than PROXY_REQUEST_TIMEOUT_MS',
    );
  });
});
