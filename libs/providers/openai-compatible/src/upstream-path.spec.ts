import type { ModelOptions } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { contentText } from './chat-content.js';
import { upstreamPath } from './upstream-path.js';

const paths = { 'llm/v1/chat': '/v1/chat' };
const request = (options: ModelOptions, routeType: 'llm/v1/chat' | 'llm/v1/completions' = 'llm/v1/chat') =>
  makeProviderRequest({ provider: 'cohere', name: 'command', options }, { routeType });

describe('upstreamPath', () => {
  it("uses the provider's path for the route type", () => {
    expect(upstreamPath(request({}), paths)).toBe('/v1/chat');
  });

  it('lets the deprecated upstream_path option win, with one leading slash', () => {
    expect(upstreamPath(request({ upstream_path: '//custom/path' }), paths)).toBe('/custom/path');
    expect(upstreamPath(request({ upstream_path: 'custom' }), paths)).toBe('/custom');
  });
});

describe('contentText', () => {
  it('reads strings, joins text parts and treats no content as empty', () => {
    expect(contentText('plain')).toBe('plain');
    expect(
      contentText([
        { type: 'text', text: 'look at' },
        { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } },
        { type: 'text', text: 'this' },
      ]),
    ).toBe('look at\nthis');
    expect(contentText(null)).toBe('');
  });
});
