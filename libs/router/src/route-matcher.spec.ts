import { describe, expect, it } from 'vitest';
import {
  compileRouter,
  RouteCompileError,
  type RouteDefinition,
  type RouteRequest,
  type ServiceDefinition,
} from './index.js';

const service: ServiceDefinition = {
  id: 'svc-1',
  name: 'llm',
  protocol: 'https',
  host: 'api.example.net',
  port: 443,
  path: null,
  enabled: true,
};

let nextId = 0;

function route(fields: Partial<RouteDefinition>): RouteDefinition {
  nextId += 1;
  return {
    id: `route-${nextId}`,
    name: null,
    protocols: ['http', 'https'],
    methods: null,
    hosts: null,
    paths: null,
    headers: null,
    strip_path: true,
    preserve_host: false,
    regex_priority: 0,
    path_handling: 'v0',
    service: { id: service.id },
    created_at: 1_700_000_000,
    ...fields,
  };
}

function request(fields: Partial<RouteRequest>): RouteRequest {
  return { method: 'POST', host: 'gateway.local', path: '/', headers: {}, ...fields };
}

/** The name of the route matching the request, or undefined. */
function matchedName(routes: RouteDefinition[], fields: Partial<RouteRequest>, services = [service]) {
  return compileRouter(routes, services).match(request(fields))?.route.name;
}

describe('compileRouter', () => {
  describe('paths', () => {
    const prefix = [route({ name: 'foo', paths: ['/foo'] })];

    it('matches a plain path as a string prefix, as Kong does', () => {
      expect(matchedName(prefix, { path: '/foo' })).toBe('foo');
      expect(matchedName(prefix, { path: '/foo/bar' })).toBe('foo');
      expect(matchedName(prefix, { path: '/foobar' })).toBe('foo');
    });

    it('returns undefined when no route matches', () => {
      expect(matchedName(prefix, { path: '/fo' })).toBeUndefined();
      expect(matchedName(prefix, { path: '/bar/foo' })).toBeUndefined();
    });

    it('exposes named and numbered captures of a regex path', () => {
      const router = compileRouter(
        [route({ name: 'gemini', paths: ['~/gemini/llm/v1/chat/good/(?<model>[^/]+)'] })],
        [service],
      );
      const match = router.match(request({ path: '/gemini/llm/v1/chat/good/gemini-1.5-flash' }));
      expect(match?.uriCaptures).toEqual({
        0: '/gemini/llm/v1/chat/good/gemini-1.5-flash',
        1: 'gemini-1.5-flash',
        model: 'gemini-1.5-flash',
      });
    });

    it('leaves out groups that took no part in the match', () => {
      const router = compileRouter([route({ paths: ['~/m/(?<a>x)?(?<b>y)'] })], [service]);
      expect(router.match(request({ path: '/m/y' }))?.uriCaptures).toEqual({ 0: '/m/y', 2: 'y', b: 'y' });
    });

    it('gives prefix paths and group-less regexes empty captures', () => {
      const router = compileRouter([route({ paths: ['~/plain$', '/prefix'] })], [service]);
      expect(router.match(request({ path: '/plain' }))?.uriCaptures).toEqual({});
      expect(router.match(request({ path: '/prefix' }))?.uriCaptures).toEqual({});
    });

    it('honours $ in a regex path', () => {
      const routes = [route({ name: 'chat', paths: ['~/openai-chat$'] })];
      expect(matchedName(routes, { path: '/openai-chat' })).toBe('chat');
      expect(matchedName(routes, { path: '/openai-chat/x' })).toBeUndefined();
    });

    it('anchors a regex path at the start of the path, alternatives included', () => {
      const routes = [route({ name: 'versioned', paths: ['~/v\\d+/chat|/legacy'] })];
      expect(matchedName(routes, { path: '/v2/chat/completions' })).toBe('versioned');
      expect(matchedName(routes, { path: '/legacy' })).toBe('versioned');
      expect(matchedName(routes, { path: '/api/v2/chat' })).toBeUndefined();
      expect(matchedName(routes, { path: '/x/legacy' })).toBeUndefined();
    });

    it('matches a regex that backtracks catastrophically elsewhere in linear time', () => {
      // V8's backtracking takes over 10 s on this 35-byte path, 4x more per 2 more characters.
      const routes = [route({ name: 'redos', paths: ['~/r/(a+)+$'] }), route({ name: 'root', paths: ['/'] })];
      const started = performance.now();
      expect(matchedName(routes, { path: `/r/${'a'.repeat(31)}!` })).toBe('root');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(matchedName(routes, { path: '/r/aaa' })).toBe('redos');
    });

    it('matches on the normalized path', () => {
      const routes = [route({ name: 'openai', paths: ['/openai/chat'] })];
      expect(matchedName(routes, { path: '/%6Fpenai/chat' })).toBe('openai');
      expect(matchedName(routes, { path: '/other/../openai//chat' })).toBe('openai');
      expect(matchedName(routes, { path: '/openai%2Fchat' })).toBeUndefined();
    });

    it('matches any of a route’s paths', () => {
      const routes = [route({ name: 'multi', paths: ['/a', '~/b/\\d+$'] })];
      expect(matchedName(routes, { path: '/a/x' })).toBe('multi');
      expect(matchedName(routes, { path: '/b/12' })).toBe('multi');
      expect(matchedName(routes, { path: '/b/x' })).toBeUndefined();
    });

    it('still tries routes without a pinned first segment when a pinned one fails', () => {
      const routes = [
        route({ name: 'pinned', paths: ['/openai/chat'] }),
        route({ name: 'short-prefix', paths: ['/open'] }),
        route({ name: 'root', paths: ['/'] }),
      ];
      expect(matchedName(routes, { path: '/openai/chat/x' })).toBe('pinned');
      expect(matchedName(routes, { path: '/openai/embeddings' })).toBe('short-prefix');
      expect(matchedName(routes, { path: '/elsewhere' })).toBe('root');
    });
  });

  describe('methods, hosts and headers', () => {
    it('requires the request method to be listed', () => {
      const routes = [route({ name: 'post-only', methods: ['POST'], paths: ['/chat'] })];
      expect(matchedName(routes, { method: 'POST', path: '/chat' })).toBe('post-only');
      expect(matchedName(routes, { method: 'GET', path: '/chat' })).toBeUndefined();
    });

    it('matches a plain host case-insensitively, ignoring the request port', () => {
      const routes = [route({ name: 'api', hosts: ['api.example.com'] })];
      expect(matchedName(routes, { host: 'api.example.com' })).toBe('api');
      expect(matchedName(routes, { host: 'API.Example.com:8000' })).toBe('api');
      expect(matchedName(routes, { host: 'api.example.com.evil' })).toBeUndefined();
      expect(matchedName(routes, { host: undefined })).toBeUndefined();
    });

    it('requires the port when the host entry names one', () => {
      const routes = [route({ name: 'api', hosts: ['api.example.com:8443'] })];
      expect(matchedName(routes, { host: 'api.example.com:8443' })).toBe('api');
      expect(matchedName(routes, { host: 'api.example.com:8000' })).toBeUndefined();
      expect(matchedName(routes, { host: 'api.example.com' })).toBeUndefined();
    });

    it('supports a leading wildcard host', () => {
      const routes = [route({ name: 'wild', hosts: ['*.example.com'] })];
      expect(matchedName(routes, { host: 'api.example.com' })).toBe('wild');
      expect(matchedName(routes, { host: 'a.b.example.com:80' })).toBe('wild');
      expect(matchedName(routes, { host: 'example.com' })).toBeUndefined();
      expect(matchedName(routes, { host: 'api.example.org' })).toBeUndefined();
    });

    it('supports a trailing wildcard host', () => {
      const routes = [route({ name: 'wild', hosts: ['example.*'] })];
      expect(matchedName(routes, { host: 'example.org' })).toBe('wild');
      expect(matchedName(routes, { host: 'example.co.uk:8000' })).toBe('wild');
      expect(matchedName(routes, { host: 'www.example.org' })).toBeUndefined();
    });

    it('matches bracketed IPv6 hosts with and without a port', () => {
      const routes = [route({ name: 'v6', hosts: ['[::1]'] })];
      expect(matchedName(routes, { host: '[::1]:8000' })).toBe('v6');
      expect(matchedName(routes, { host: '[::1]' })).toBe('v6');
    });

    it('matches header names and values case-insensitively', () => {
      const routes = [route({ name: 'tenant', headers: { 'X-Tenant': ['Acme', 'Globex'] } })];
      expect(matchedName(routes, { headers: { 'x-tenant': 'ACME' } })).toBe('tenant');
      expect(matchedName(routes, { headers: { 'x-tenant': 'globex' } })).toBe('tenant');
      expect(matchedName(routes, { headers: { 'x-tenant': 'initech' } })).toBeUndefined();
      expect(matchedName(routes, { headers: {} })).toBeUndefined();
    });

    it('requires every header and accepts any value of a repeated header', () => {
      const routes = [route({ name: 'both', headers: { 'x-a': ['1'], 'x-b': ['2'] } })];
      expect(matchedName(routes, { headers: { 'x-a': ['0', '1'], 'x-b': '2' } })).toBe('both');
      expect(matchedName(routes, { headers: { 'x-a': '1' } })).toBeUndefined();
    });

    it('treats a ~* header value as a case-insensitive regex', () => {
      const routes = [route({ name: 'versioned', headers: { 'x-version': ['~*^v[0-9]+$'] } })];
      expect(matchedName(routes, { headers: { 'x-version': 'V12' } })).toBe('versioned');
      expect(matchedName(routes, { headers: { 'x-version': 'beta' } })).toBeUndefined();
    });

    it('matches a ~* header regex that backtracks catastrophically elsewhere in linear time', () => {
      const routes = [route({ name: 'redos', headers: { 'x-model': ['~*^(a|a)*$'] } })];
      const started = performance.now();
      // Exponential for V8: seconds at 30 characters.
      expect(matchedName(routes, { headers: { 'x-model': `${'a'.repeat(30)}!` } })).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(matchedName(routes, { headers: { 'x-model': 'AAA' } })).toBe('redos');
    });

    it('matches a route without paths by host alone', () => {
      const router = compileRouter(
        [route({ name: 'by-host', hosts: ['llm.example.com'] })],
        [{ ...service, path: '/v1' }],
      );
      const match = router.match(request({ host: 'llm.example.com', path: '/chat/completions' }));
      expect(match?.route.name).toBe('by-host');
      expect(match?.upstreamPath).toBe('/v1/chat/completions');
      expect(router.match(request({ host: 'other.example.com', path: '/chat/completions' }))).toBeUndefined();
    });
  });

  describe('precedence', () => {
    it('prefers the route with more matching criteria', () => {
      const routes = [
        route({ name: 'path', paths: ['/chat/completions/long'] }),
        route({ name: 'path-and-method', paths: ['/chat'], methods: ['POST'] }),
      ];
      expect(matchedName(routes, { path: '/chat/completions/long' })).toBe('path-and-method');
      expect(matchedName(routes, { method: 'GET', path: '/chat/completions/long' })).toBe('path');
    });

    it('prefers the longer prefix path', () => {
      const routes = [
        route({ name: 'short', paths: ['/openai'] }),
        route({ name: 'long', paths: ['/openai/chat'] }),
      ];
      expect(matchedName(routes, { path: '/openai/chat/completions' })).toBe('long');
      expect(matchedName(routes, { path: '/openai/embeddings' })).toBe('short');
    });

    it('evaluates regex paths before prefix paths', () => {
      const routes = [
        route({ name: 'prefix', paths: ['/openai/chat/completions'] }),
        route({ name: 'regex', paths: ['~/openai/'] }),
      ];
      expect(matchedName(routes, { path: '/openai/chat/completions' })).toBe('regex');
    });

    it('orders regex paths by regex_priority, higher first', () => {
      const routes = [
        route({ name: 'low', paths: ['~/models/.+'], regex_priority: 1 }),
        route({ name: 'high', paths: ['~/models/gpt'], regex_priority: 10 }),
      ];
      expect(matchedName(routes, { path: '/models/gpt-4o' })).toBe('high');
      expect(matchedName(routes, { path: '/models/claude' })).toBe('low');
    });

    it('ignores regex_priority on prefix paths', () => {
      const routes = [
        route({ name: 'short', paths: ['/a'], regex_priority: 100 }),
        route({ name: 'long', paths: ['/a/b'] }),
      ];
      expect(matchedName(routes, { path: '/a/b' })).toBe('long');
    });

    it('breaks ties by the earlier created_at', () => {
      const routes = [
        route({ name: 'newer', paths: ['/same'], created_at: 200 }),
        route({ name: 'older', paths: ['/same'], created_at: 100 }),
      ];
      expect(matchedName(routes, { path: '/same' })).toBe('older');
    });

    it('breaks a full tie by snapshot order', () => {
      const routes = [
        route({ name: 'first', paths: ['/same'] }),
        route({ name: 'second', paths: ['/same'] }),
      ];
      expect(matchedName(routes, { path: '/same' })).toBe('first');
    });

    it('prefers plain hosts over wildcard hosts', () => {
      const routes = [
        route({ name: 'wildcard', hosts: ['*.example.com'] }),
        route({ name: 'plain', hosts: ['api.example.com'] }),
      ];
      expect(matchedName(routes, { host: 'api.example.com' })).toBe('plain');
      expect(matchedName(routes, { host: 'www.example.com' })).toBe('wildcard');
    });

    it('prefers more header names', () => {
      const routes = [
        route({ name: 'one', headers: { 'x-a': ['1'] } }),
        route({ name: 'two', headers: { 'x-a': ['1'], 'x-b': ['2'] } }),
      ];
      expect(matchedName(routes, { headers: { 'x-a': '1', 'x-b': '2' } })).toBe('two');
      expect(matchedName(routes, { headers: { 'x-a': '1' } })).toBe('one');
    });

    it('ranks each path of a route on its own, not by the route’s longest path', () => {
      const routes = [
        route({ name: 'mixed', paths: ['/a', '/x/y/z'] }),
        route({ name: 'middle', paths: ['/a/b'] }),
      ];
      expect(matchedName(routes, { path: '/a/b/c' })).toBe('middle');
      expect(matchedName(routes, { path: '/a/c' })).toBe('mixed');
    });
  });

  describe('upstream path', () => {
    const withPath = { ...service, path: '/s' };

    it.each([
      ['v0', true, '/s/chat'],
      ['v0', false, '/s/openai/chat'],
      ['v1', true, '/s/chat'],
      ['v1', false, '/sopenai/chat'],
    ] as const)('joins the service path for %s with strip_path %s as %s', (handling, stripPath, upstream) => {
      const router = compileRouter(
        [route({ paths: ['/openai'], strip_path: stripPath, path_handling: handling })],
        [withPath],
      );
      expect(router.match(request({ path: '/openai/chat' }))?.upstreamPath).toBe(upstream);
    });

    it('strips the whole part a regex path matched', () => {
      const router = compileRouter([route({ paths: ['~/version/\\d+/service'] })], [withPath]);
      expect(router.match(request({ path: '/version/1/service/path/to/resource' }))?.upstreamPath).toBe(
        '/s/path/to/resource',
      );
    });

    it('strips a regex match that has captures', () => {
      const router = compileRouter([route({ paths: ['~/llm/(?<model>[^/]+)'] })], [service]);
      expect(router.match(request({ path: '/llm/gpt-4o/chat' }))?.upstreamPath).toBe('/chat');
    });

    it('sends the normalized path upstream', () => {
      const router = compileRouter([route({ paths: ['/openai'], strip_path: false })], [service]);
      expect(router.match(request({ path: '/openai/./v1//chat' }))?.upstreamPath).toBe('/openai/v1/chat');
    });
  });

  describe('route and service selection', () => {
    it('returns the route and its service', () => {
      const r = route({ paths: ['/chat'] });
      const match = compileRouter([r], [service]).match(request({ path: '/chat' }));
      expect(match?.route).toBe(r);
      expect(match?.service).toBe(service);
    });

    it('matches a route without a service, with a null service', () => {
      const match = compileRouter([route({ paths: ['/chat'], service: null })], []).match(
        request({ path: '/chat' }),
      );
      expect(match?.service).toBeNull();
      expect(match?.upstreamPath).toBe('/');
    });

    it('matches a route that sets no criteria it reads after every other route', () => {
      const routes = [route({ name: 'catch-all' }), route({ name: 'chat', paths: ['/chat'] })];
      expect(matchedName(routes, { path: '/chat' })).toBe('chat');
      expect(matchedName(routes, { path: '/anything' })).toBe('catch-all');
    });

    it('never matches a route without http or https among its protocols', () => {
      const routes = [route({ name: 'grpc', protocols: ['grpc', 'grpcs'], paths: ['/chat'] })];
      expect(matchedName(routes, { path: '/chat' })).toBeUndefined();
    });

    it('matches a route speaking https only', () => {
      const routes = [route({ name: 'tls', protocols: ['https'], paths: ['/chat'] })];
      expect(matchedName(routes, { path: '/chat' })).toBe('tls');
    });

    it('leaves out the routes of a disabled service', () => {
      const disabled = { ...service, id: 'svc-off', enabled: false };
      const routes = [
        route({ name: 'off', paths: ['/chat'], service: { id: disabled.id } }),
        route({ name: 'fallback', paths: ['/'] }),
      ];
      expect(matchedName(routes, { path: '/chat' }, [service, disabled])).toBe('fallback');
    });
  });

  describe('compile errors', () => {
    it('throws on an invalid regex path, naming the route', () => {
      const bad = route({ name: 'broken', paths: ['~/models/(?<model>[^/]+'] });
      expect(() => compileRouter([bad], [service])).toThrow(RouteCompileError);
      expect(() => compileRouter([bad], [service])).toThrow(
        /route 'broken'.*invalid regex path '~\/models\/\(\?<model>\[\^\/\]\+'/,
      );
    });

    it('names an unnamed route by id', () => {
      const bad = route({ paths: ['~/('] });
      expect(() => compileRouter([bad], [service])).toThrow(`route '${bad.id}'`);
    });

    it('throws on an invalid header regex', () => {
      const bad = route({ name: 'bad-header', headers: { 'x-v': ['~*('] } });
      expect(() => compileRouter([bad], [service])).toThrow(/route 'bad-header'.*header 'x-v'/);
    });

    it('refuses lookaround and backreferences, which the linear-time engine does not have, naming the route', () => {
      const lookahead = route({ name: 'ahead', paths: ['~/chat(?=/completions)'] });
      expect(() => compileRouter([lookahead], [service])).toThrow(
        /route 'ahead'.*invalid regex path '~\/chat\(\?=\/completions\)': lookahead `\(\?=` is not supported/,
      );
      const backreference = route({ name: 'again', headers: { 'x-v': ['~*(a)\\1'] } });
      expect(() => compileRouter([backreference], [service])).toThrow(
        /route 'again'.*header 'x-v' regex '~\*\(a\)\\1': backreference `\\1` is not supported/,
      );
    });

    it('throws on a route pointing at an unknown service', () => {
      const orphan = route({ name: 'orphan', paths: ['/x'], service: { id: 'missing' } });
      expect(() => compileRouter([orphan], [service])).toThrow(/route 'orphan'.*unknown service 'missing'/);
    });
  });
});
