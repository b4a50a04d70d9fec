import { GatewayError } from '@switchyard/plugin-api';
import type { ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createGeminiProvider, geminiProvider } from './gemini.provider.js';

const VERTEX: ModelOptions = {
  gemini: {
    api_endpoint: 'europe-west4-aiplatform.googleapis.com',
    project_id: 'my-project',
    location_id: 'europe-west4',
  },
};
const request = (
  options: ModelOptions = {},
  overrides: Partial<ProviderRequest> = {},
  name = 'gemini-2.0-flash',
) => makeProviderRequest({ provider: 'gemini', name, options }, overrides);
const url = (...args: Parameters<typeof request>) => geminiProvider.upstreamUrl(request(...args)).href;

describe('geminiProvider', () => {
  it('serves OpenAI chat and embeddings clients, chat streamed as a JSON array that reports usage, dropping Set-Cookie as Kong does', () => {
    expect(geminiProvider.id).toBe('gemini');
    expect(geminiProvider.telemetryName).toBe('gcp.gemini');
    expect(Object.keys(geminiProvider.routes)).toEqual(['llm/v1/chat', 'llm/v1/embeddings']);
    expect(geminiProvider.traits).toEqual({
      streamFraming: 'json-array',
      streamReportsUsage: true,
      dropsSetCookie: true,
    });
  });

  it("owns Kong's gemini options: all three Vertex fields or none", () => {
    expect(geminiProvider.optionFields?.gemini).toMatchObject({
      type: 'record',
      entity_checks: [{ mutually_required: ['api_endpoint', 'project_id', 'location_id'] }],
    });
  });

  it("calls the Gemini API's generateContent, and streamGenerateContent for a stream", () => {
    expect(url()).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent',
    );
    expect(url({}, { stream: true })).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent',
    );
  });

  it("calls Vertex AI's publisher model when model.options.gemini is set", () => {
    expect(url(VERTEX)).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.0-flash:generateContent',
    );
    expect(url(VERTEX, { stream: true })).toMatch(/\/models\/gemini-2\.0-flash:streamGenerateContent$/);
  });

  it('keeps a model name (maybe read from the client) inside its path segment, without the models/ prefix', () => {
    expect(url({}, {}, 'models/gemini-2.5-pro')).toMatch(
      /\/v1beta\/models\/gemini-2\.5-pro:generateContent$/,
    );
    expect(url({}, {}, '../../v1/files?x=1#y')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/..%2F..%2Fv1%2Ffiles%3Fx%3D1%23y:generateContent',
    );
  });

  it("replaces the path with Kong's deprecated upstream_path", () => {
    expect(url({ upstream_path: '//v1/models/custom:generateContent' })).toBe(
      'https://generativelanguage.googleapis.com/v1/models/custom:generateContent',
    );
  });

  it('refuses an api_endpoint that is not a host name with a 500 naming the option', () => {
    const bad = { gemini: { ...VERTEX.gemini, api_endpoint: 'https://evil.test/x' } };
    expect(() => url(bad)).toThrow(
      new GatewayError(
        500,
        'model.options.gemini.api_endpoint must be a host name (such as us-central1-aiplatform.googleapis.com), not "https://evil.test/x"',
      ),
    );
  });

  it("leaves the API key to Kong's header or query placement when no service account is used", () => {
    expect(
      geminiProvider.createAuthenticator?.({ header_name: 'x-goog-api-key', header_value: 'k' }),
    ).toBeUndefined();
    expect(geminiProvider.createAuthenticator?.({ gcp_use_service_account: false })).toBeUndefined();
  });

  it('refuses a token refresh margin that is not more than 0', () => {
    expect(() => createGeminiProvider({ tokenRefreshMarginMs: 0 })).toThrow(
      new RangeError('tokenRefreshMarginMs must be more than 0, not 0'),
    );
  });
});
