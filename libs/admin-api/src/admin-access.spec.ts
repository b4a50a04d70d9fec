import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '@switchyard/config';
import { crossOriginRefusal } from './admin-access.js';
import { AdminApiSettings } from './admin-api.settings.js';

describe('crossOriginRefusal', () => {
  const host = '127.0.0.1:8001';

  it('lets requests without Origin through (curl, SDKs), and same-origin browser requests', () => {
    expect(crossOriginRefusal({ host })).toBeUndefined();
    expect(
      crossOriginRefusal({ host, origin: 'http://127.0.0.1:8001', 'sec-fetch-site': 'same-origin' }),
    ).toBeUndefined();
    expect(
      crossOriginRefusal({ host: 'admin.internal', origin: 'https://admin.internal:443' }),
    ).toBeUndefined();
  });

  it('refuses another origin, an opaque one, and Sec-Fetch-Site: cross-site', () => {
    expect(crossOriginRefusal({ host, origin: 'https://evil.example' })).toMatch(/^Forbidden: cross-origin/);
    expect(crossOriginRefusal({ host, origin: 'http://127.0.0.1:8002' })).toMatch(/^Forbidden/);
    expect(crossOriginRefusal({ host, origin: 'null' })).toMatch(/^Forbidden/);
    expect(crossOriginRefusal({ host, 'sec-fetch-site': 'cross-site' })).toMatch(/^Forbidden: cross-site/);
  });
});

describe('AdminApiSettings', () => {
  it('listens on loopback without a token', () => {
    expect(loadEnvironment(AdminApiSettings, {}).ADMIN_LISTEN).toBe('127.0.0.1:8001');
    expect(loadEnvironment(AdminApiSettings, { ADMIN_LISTEN: '[::1]:9001' }).ADMIN_TOKEN).toBeUndefined();
  });

  it('needs ADMIN_TOKEN beyond loopback, and a token of at least 16 characters', () => {
    expect(() => loadEnvironment(AdminApiSettings, { ADMIN_LISTEN: '0.0.0.0:8001' })).toThrow(
      /ADMIN_LISTEN=0\.0\.0\.0:8001 accepts connections beyond loopback: set ADMIN_TOKEN .* or bind ADMIN_LISTEN to 127\.0\.0\.1/,
    );
    expect(() => loadEnvironment(AdminApiSettings, { ADMIN_LISTEN: ':8001', ADMIN_TOKEN: 'short' })).toThrow(
      /ADMIN_TOKEN must be at least 16 characters long/,
    );
    const exposed = loadEnvironment(AdminApiSettings, {
      ADMIN_LISTEN: '0.0.0.0:8001',
      ADMIN_TOKEN: 'a-long-enough-secret',
    });
    expect(exposed.ADMIN_TOKEN).toBe('a-long-enough-secret');
  });
});
