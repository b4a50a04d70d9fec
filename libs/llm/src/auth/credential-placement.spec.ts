import type { OutgoingLlmRequest } from '@switchyard/plugin-api';
import { buildRequestContext } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createCredentialPlacement } from './credential-placement.js';

/** The request as the core hands it to the authenticator, and the client's request beside it. */
function outgoing(clientUrl = '/chat', clientHeaders: Record<string, string> = {}) {
  const ctx = buildRequestContext({ url: clientUrl, headers: clientHeaders });
  const request: OutgoingLlmRequest = {
    url: new URL('https://provider.test/v1/chat'),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    options: {},
  };
  return { request, client: ctx.request };
}

describe('createCredentialPlacement', () => {
  describe('header credential', () => {
    const auth = { header_name: 'Authorization', header_value: 'Bearer sk-configured' };

    it('sets the configured header upstream', () => {
      const { request, client } = outgoing();
      createCredentialPlacement(auth).authenticate(request, client);
      expect(request.headers.authorization).toBe('Bearer sk-configured');
    });

    it("replaces the client's header when allow_override is off", () => {
      const { request, client } = outgoing('/chat', { authorization: 'Bearer sk-client' });
      request.headers.authorization = 'Bearer sk-client';
      createCredentialPlacement({ ...auth, allow_override: false }).authenticate(request, client);
      expect(request.headers.authorization).toBe('Bearer sk-configured');
    });

    it("keeps the client's header when allow_override is on", () => {
      const { request, client } = outgoing('/chat', { authorization: 'Bearer sk-client' });
      request.headers.authorization = 'Bearer sk-client';
      createCredentialPlacement({ ...auth, allow_override: true }).authenticate(request, client);
      expect(request.headers.authorization).toBe('Bearer sk-client');
    });

    it('sets the configured header with allow_override on when the client sends none', () => {
      const { request, client } = outgoing();
      createCredentialPlacement({ ...auth, allow_override: true }).authenticate(request, client);
      expect(request.headers.authorization).toBe('Bearer sk-configured');
    });
  });

  describe('query credential', () => {
    const auth = { param_name: 'apikey', param_value: 'sk-configured', param_location: 'query' as const };

    it('sets the query parameter upstream', () => {
      const { request, client } = outgoing();
      createCredentialPlacement(auth).authenticate(request, client);
      expect(request.url.searchParams.get('apikey')).toBe('sk-configured');
    });

    it("replaces the client's parameter when allow_override is off", () => {
      const { request, client } = outgoing('/chat?apikey=sk-client');
      request.url.searchParams.set('apikey', 'sk-client');
      createCredentialPlacement(auth).authenticate(request, client);
      expect(request.url.searchParams.getAll('apikey')).toEqual(['sk-configured']);
    });

    it("keeps the client's parameter when allow_override is on", () => {
      const { request, client } = outgoing('/chat?apikey=sk-client');
      request.url.searchParams.set('apikey', 'sk-client');
      createCredentialPlacement({ ...auth, allow_override: true }).authenticate(request, client);
      expect(request.url.searchParams.get('apikey')).toBe('sk-client');
    });

    it('places nothing in the body', () => {
      expect(createCredentialPlacement(auth).bodyCredential).toBeUndefined();
    });
  });

  describe('body credential', () => {
    const auth = { param_name: 'apikey', param_value: 'sk-configured', param_location: 'body' as const };

    it('sets the body member and touches no header or query', () => {
      const placement = createCredentialPlacement(auth);
      const { request, client } = outgoing();
      placement.authenticate(request, client);
      const body: Record<string, unknown> = { model: 'm' };
      placement.bodyCredential?.(body, {});
      expect(body).toEqual({ model: 'm', apikey: 'sk-configured' });
      expect(request.url.searchParams.has('apikey')).toBe(false);
      expect(request.headers.authorization).toBeUndefined();
    });

    it("replaces the client's member when allow_override is off", () => {
      const body: Record<string, unknown> = { apikey: 'sk-client' };
      createCredentialPlacement(auth).bodyCredential?.(body, { apikey: 'sk-client' });
      expect(body.apikey).toBe('sk-configured');
    });

    it("keeps the client's member when allow_override is on", () => {
      const body: Record<string, unknown> = { apikey: 'sk-client' };
      createCredentialPlacement({ ...auth, allow_override: true }).bodyCredential?.(body, {
        apikey: 'sk-client',
      });
      expect(body.apikey).toBe('sk-client');
    });
  });

  it('does nothing without auth', () => {
    const { request, client } = outgoing();
    const before = { ...request.headers };
    createCredentialPlacement(null).authenticate(request, client);
    expect(request.headers).toEqual(before);
    expect(request.url.search).toBe('');
  });
});
