import { describe, expect, it } from 'vitest';
import { requestContext } from './ai-proxy.spec-helpers.js';
import { createAuthInjector } from './auth-injector.js';

describe('createAuthInjector', () => {
  describe('header credential', () => {
    const auth = { header_name: 'Authorization', header_value: 'Bearer sk-configured' };

    it('sets the configured header upstream', () => {
      const ctx = requestContext();
      createAuthInjector(auth).applyToRequest(ctx);
      expect(ctx.upstream.headers.authorization).toBe('Bearer sk-configured');
    });

    it("replaces the client's header when allow_override is off", () => {
      const ctx = requestContext({ headers: { authorization: 'Bearer sk-client' } });
      createAuthInjector({ ...auth, allow_override: false }).applyToRequest(ctx);
      expect(ctx.upstream.headers.authorization).toBe('Bearer sk-configured');
    });

    it("keeps the client's header when allow_override is on", () => {
      const ctx = requestContext({ headers: { authorization: 'Bearer sk-client' } });
      createAuthInjector({ ...auth, allow_override: true }).applyToRequest(ctx);
      expect(ctx.upstream.headers.authorization).toBe('Bearer sk-client');
    });

    it('sets the configured header with allow_override on when the client sends none', () => {
      const ctx = requestContext();
      createAuthInjector({ ...auth, allow_override: true }).applyToRequest(ctx);
      expect(ctx.upstream.headers.authorization).toBe('Bearer sk-configured');
    });
  });

  describe('query credential', () => {
    const auth = { param_name: 'apikey', param_value: 'sk-configured', param_location: 'query' as const };

    it('sets the query parameter upstream', () => {
      const ctx = requestContext();
      createAuthInjector(auth).applyToRequest(ctx);
      expect(ctx.upstream.url.searchParams.get('apikey')).toBe('sk-configured');
    });

    it("replaces the client's parameter when allow_override is off", () => {
      const ctx = requestContext({ url: '/chat?apikey=sk-client' });
      createAuthInjector(auth).applyToRequest(ctx);
      expect(ctx.upstream.url.searchParams.getAll('apikey')).toEqual(['sk-configured']);
    });

    it("keeps the client's parameter when allow_override is on", () => {
      const ctx = requestContext({ url: '/chat?apikey=sk-client' });
      createAuthInjector({ ...auth, allow_override: true }).applyToRequest(ctx);
      expect(ctx.upstream.url.searchParams.get('apikey')).toBe('sk-client');
    });

    it('places nothing in the body', () => {
      expect(createAuthInjector(auth).placesInBody).toBe(false);
    });
  });

  describe('body credential', () => {
    const auth = { param_name: 'apikey', param_value: 'sk-configured', param_location: 'body' as const };

    it('sets the body member and touches no header or query', () => {
      const injector = createAuthInjector(auth);
      const ctx = requestContext();
      injector.applyToRequest(ctx);
      const body: Record<string, unknown> = { model: 'm' };
      injector.applyToBody(body, {});
      expect(injector.placesInBody).toBe(true);
      expect(body).toEqual({ model: 'm', apikey: 'sk-configured' });
      expect(ctx.upstream.url.searchParams.has('apikey')).toBe(false);
      expect(ctx.upstream.headers.authorization).toBeUndefined();
    });

    it("replaces the client's member when allow_override is off", () => {
      const body: Record<string, unknown> = { apikey: 'sk-client' };
      createAuthInjector(auth).applyToBody(body, { apikey: 'sk-client' });
      expect(body.apikey).toBe('sk-configured');
    });

    it("keeps the client's member when allow_override is on", () => {
      const body: Record<string, unknown> = { apikey: 'sk-client' };
      createAuthInjector({ ...auth, allow_override: true }).applyToBody(body, { apikey: 'sk-client' });
      expect(body.apikey).toBe('sk-client');
    });
  });

  it('does nothing without auth', () => {
    const ctx = requestContext();
    const before = { ...ctx.upstream.headers };
    createAuthInjector(null).applyToRequest(ctx);
    expect(ctx.upstream.headers).toEqual(before);
    expect(ctx.upstream.url.search).toBe('');
  });

  describe("the client's own credentials", () => {
    const clientCredentials = {
      authorization: 'Bearer sk-client',
      cookie: 'session=abc',
      apikey: 'gateway-key',
      'api-key': 'azure-key',
      'x-api-key': 'anthropic-key',
      'x-goog-api-key': 'gemini-key',
      'x-request-id': 'r-1',
    };

    it('never reach the provider on a route whose auth is another header', () => {
      const ctx = requestContext({ headers: clientCredentials });
      createAuthInjector({ header_name: 'x-api-key', header_value: 'sk-configured' }).applyToRequest(ctx);
      expect(ctx.upstream.headers).toEqual({
        'content-type': 'application/json',
        'x-api-key': 'sk-configured',
        'x-request-id': 'r-1',
      });
    });

    it('keep only the configured header when allow_override lets the client set it', () => {
      const ctx = requestContext({ headers: clientCredentials });
      createAuthInjector({
        header_name: 'Authorization',
        header_value: 'Bearer sk-configured',
        allow_override: true,
      }).applyToRequest(ctx);
      expect(ctx.upstream.headers).toEqual({
        'content-type': 'application/json',
        authorization: 'Bearer sk-client',
        'x-request-id': 'r-1',
      });
    });

    it('never reach the provider on a route with query auth or none', () => {
      for (const auth of [
        { param_name: 'key', param_value: 'sk-configured', param_location: 'query' as const },
        null,
      ]) {
        const ctx = requestContext({ headers: clientCredentials });
        createAuthInjector(auth).applyToRequest(ctx);
        expect(Object.keys(ctx.upstream.headers).sort()).toEqual(['content-type', 'x-request-id']);
      }
    });
  });
});
