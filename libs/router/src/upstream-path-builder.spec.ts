import { describe, expect, it } from 'vitest';
import type { PathHandling } from './router.types.js';
import { buildUpstreamPath } from './upstream-path-builder.js';

// Kong's path_handling table (Route entity docs), service path `/s`; the docs' `/s/fv01/` is a typo
// for `/s/fv0/`, which is what Kong's code produces.
const kongTable: [PathHandling, string, boolean, string, string][] = [
  ['v0', '/fv0', false, '/fv0/req', '/s/fv0/req'],
  ['v0', '/fv0', false, '/fv0', '/s/fv0'],
  ['v1', '/fv1', false, '/fv1/req', '/sfv1/req'],
  ['v1', '/fv1', false, '/fv1', '/sfv1'],
  ['v0', '/tv0', true, '/tv0/req', '/s/req'],
  ['v0', '/tv0', true, '/tv0', '/s'],
  ['v1', '/tv1', true, '/tv1/req', '/s/req'],
  ['v1', '/tv1', true, '/tv1', '/s'],
  ['v0', '/fv0/', false, '/fv0/req', '/s/fv0/req'],
  ['v0', '/fv0/', false, '/fv0/', '/s/fv0/'],
  ['v1', '/fv1/', false, '/fv1/req', '/sfv1/req'],
  ['v1', '/fv1/', false, '/fv1/', '/sfv1/'],
  ['v0', '/tv0/', true, '/tv0/req', '/s/req'],
  ['v0', '/tv0/', true, '/tv0/', '/s/'],
  ['v1', '/tv1/', true, '/tv1/req', '/sreq'],
  ['v1', '/tv1/', true, '/tv1/', '/s'],
];

describe('buildUpstreamPath', () => {
  it.each(kongTable)(
    'follows Kong: %s route path %s strip_path %s, request %s goes upstream as %s',
    (handling, routePath, stripPath, requestPath, upstream) => {
      expect(buildUpstreamPath(handling, stripPath, '/s', requestPath, routePath.length)).toBe(upstream);
    },
  );

  it('joins a service path ending in a slash without doubling it', () => {
    expect(buildUpstreamPath('v0', true, '/s/', '/r/x', 2)).toBe('/s/x');
    expect(buildUpstreamPath('v0', false, '/s/', '/r/x', 2)).toBe('/s/r/x');
    expect(buildUpstreamPath('v0', true, '/s/', '/r', 2)).toBe('/s');
    expect(buildUpstreamPath('v1', true, '/s/', '/r/x', 2)).toBe('/s/x');
  });

  it('uses / when the service has no path', () => {
    expect(buildUpstreamPath('v0', true, null, '/openai/v1/chat', 7)).toBe('/v1/chat');
    expect(buildUpstreamPath('v0', true, null, '/openai', 7)).toBe('/');
    expect(buildUpstreamPath('v0', false, null, '/openai/v1/chat', 7)).toBe('/openai/v1/chat');
  });

  it('keeps the whole request path when the route matched without a path', () => {
    expect(buildUpstreamPath('v0', true, '/s', '/any/thing', -1)).toBe('/s/any/thing');
    expect(buildUpstreamPath('v0', true, '/s', '/', -1)).toBe('/s');
  });
});
