import type { SeededRandom } from '@switchyard/testing';

/** One Admin API request of the fuzz: what to send, and a short description for failure reports. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: { readonly contentType: string | null; readonly data: string | FormData };
  readonly label: string;
}

const COLLECTIONS = ['services', 'routes', 'consumers', 'plugins'] as const;
const NESTED: Readonly<Record<string, readonly string[]>> = {
  services: ['routes', 'plugins'],
  routes: ['plugins'],
  consumers: ['plugins'],
};
const METHODS = ['GET', 'POST', 'POST', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'];

/** Each collection's fields, and some it does not have. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  services: [
    'name',
    'url',
    'host',
    'port',
    'path',
    'protocol',
    'retries',
    'read_timeout',
    'tags',
    'enabled',
    'id',
  ],
  routes: [
    'name',
    'paths',
    'hosts',
    'methods',
    'headers',
    'sources',
    'destinations',
    'strip_path',
    'service',
    'tags',
    'regex_priority',
    'protocols',
    'id',
  ],
  consumers: ['username', 'custom_id', 'tags', 'id'],
  plugins: ['name', 'config', 'route', 'service', 'enabled', 'instance_name', 'protocols', 'tags', 'id'],
};
const WEIRD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '',
  '\u0000',
  'x'.repeat(2_000),
  'x-a',
  '0',
  'toString',
];

const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'a\udc00b',
  '\ud83d\ude00',
  '\r\n',
  '%00',
  '../..',
  '/a',
  '/a//b/../c',
  '~/(a|b)$',
  '~/(?<model>[^/]+)/chat$',
  '~/(',
  '~*(',
  '~*^x+$',
  'http://example.com/v1',
  'https://h:99999',
  'ftp://',
  '{vault://env/X}',
  'x'.repeat(1_025),
  'x'.repeat(20_000),
  'true',
  '-1',
  '1e309',
  'GET',
  'llm/v1/chat',
  'openai',
  '10.0.0.0/8',
];
/** What fits in a URL: Node refuses request heads over 16 KiB (431) and closes the connection. */
const URL_STRINGS = NASTY_STRINGS.filter((text) => text.length < 2_000);
const NUMBERS = [0, -1, 1, 80, 65_535, 65_536, 2 ** 31, 2 ** 53 + 2, 1.5, 1e308, -1e308];

/** JSON text of arrays nested `depth` deep. */
const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * Random Admin API requests over every entity endpoint, in JSON, urlencoded and multipart form,
 * built from fields the entities have and values and keys chosen to break things (NUL, unpaired
 * surrogates, prototype keys, deep nesting, huge values, bad and duplicate ids). `known` are the
 * ids and names created so far, so that reads, updates and nested paths hit real entities.
 */
export class AdminFuzzer {
  private readonly known: string[] = ['ai-proxy'];

  constructor(private readonly random: SeededRandom) {}

  /** Remembers what a 201 created, for later requests to address it. */
  learn(body: unknown): void {
    if (body === null || typeof body !== 'object') return;
    const { id, name, username } = body as Record<string, unknown>;
    for (const value of [id, name, username]) if (typeof value === 'string') this.known.push(value);
  }

  next(): FuzzRequest {
    const method = this.random.pick(METHODS);
    const path = this.path(method);
    const collection =
      COLLECTIONS.find((name) => path.split('?')[0]!.endsWith(`/${name}`)) ?? this.random.pick(COLLECTIONS);
    if (method === 'GET' || method === 'DELETE' || method === 'HEAD' || method === 'OPTIONS') {
      return { method, path, label: `${method} ${path.slice(0, 200)}` };
    }
    return this.withBody(method, path, this.entity(collection));
  }

  private path(method: string): string {
    const r = this.random;
    const collection = r.pick(COLLECTIONS);
    const roll = r.int(10);
    if (roll < 3 && method !== 'PUT' && method !== 'PATCH') return `/${collection}${this.query()}`;
    if (roll < 7) return `/${collection}/${this.key()}`;
    if (roll < 9) {
      const parent = r.pick(['services', 'routes', 'consumers']);
      return `/${parent}/${this.key()}/${r.pick(NESTED[parent]!)}${this.query()}`;
    }
    return r.pick([
      '/anything',
      '/',
      '/status',
      '/clustering/data-planes',
      '/%00',
      '/services/%ED%A0%80',
      `/services/${'a'.repeat(5_000)}`,
    ]);
  }

  private key(): string {
    const r = this.random;
    if (r.chance(0.5) && this.known.length > 0) return encodePathSegment(r.pick(this.known));
    return r.pick([
      r.uuid(),
      'abc',
      '%00',
      '%2e%2e',
      encodePathSegment(r.pick(URL_STRINGS)),
      'UPPER-Case',
      '0',
    ]);
  }

  private query(): string {
    const r = this.random;
    if (r.chance(0.6)) return '';
    const pairs = [
      `size=${r.pick(['1', '0', '1001', '-5', 'abc', '1e3', '%00'])}`,
      `offset=${r.pick(['abc', '%00', 'WyIxIl0', encodeURIComponent(Buffer.from('["x"]').toString('base64url'))])}`,
      `tags=${encodePathSegment(r.pick(URL_STRINGS))}`,
      `${encodePathSegment(r.pick(WEIRD_KEYS))}=1`,
    ];
    return `?${pairs.filter(() => r.chance(0.5)).join('&')}`;
  }

  /**
   * A record with some of the collection's fields (and sometimes others) set to random values;
   * half of the time a valid entity with one or two fields changed, so that writes get stored
   * and later requests (and config-sync) meet what they stored.
   */
  private entity(collection: string): Record<string, unknown> {
    const r = this.random;
    const record: Record<string, unknown> = r.chance(0.5) ? this.validEntity(collection) : {};
    const count = Object.keys(record).length > 0 ? r.int(3) : 1 + r.int(5);
    for (let i = 0; i < count; i++) {
      const field = r.chance(0.9) ? r.pick(FIELDS[collection]!) : r.pick(WEIRD_KEYS);
      setOwn(record, field, this.fieldValue(field));
    }
    if (collection === 'plugins' && r.chance(0.7)) record['name'] = 'ai-proxy';
    return record;
  }

  private validEntity(collection: string): Record<string, unknown> {
    const r = this.random;
    const name = `fz-${r.int(1_000_000)}`;
    switch (collection) {
      case 'services':
        return { name, url: r.pick(['http://example.com', 'https://api.example.com:8443/v1']) };
      case 'routes':
        return {
          name,
          paths: [r.pick([`/${name}`, `~/${name}/(?<model>[^/]+)$`])],
          ...(r.chance(0.5) && { headers: { 'x-tenant': [r.pick(['a', '~*^t[0-9]+$'])] } }),
          ...(r.chance(0.3) && { sources: [{ ip: '10.0.0.0/8', port: 80 }] }),
        };
      case 'consumers':
        return { username: name, tags: ['fuzz'] };
      default:
        return {
          name: 'ai-proxy',
          instance_name: name,
          config: { route_type: 'llm/v1/chat', model: { provider: 'openai', name: 'gpt-4' } },
        };
    }
  }

  private fieldValue(field: string): unknown {
    const r = this.random;
    if (field === 'id') return r.pick([r.uuid(), 'abc', this.known.at(-1) ?? 'abc', 5]);
    if (field === 'service' || field === 'route') {
      return r.pick([{ id: r.uuid() }, { name: r.pick(this.known) }, { id: 'abc' }, { name: '\u0000' }, 'x']);
    }
    if (field === 'config') return this.config();
    return this.value(0);
  }

  /** Mostly ai-proxy configs, some valid, with a random part broken. */
  private config(): unknown {
    const r = this.random;
    const config: Record<string, unknown> = {
      route_type: r.pick(['llm/v1/chat', 'llm/v1/completions', 'nonsense']),
      model: {
        provider: r.pick(['openai', 'azure', 'cohere', 'x']),
        name: r.pick(['gpt-4', ...NASTY_STRINGS]),
      },
    };
    if (r.chance(0.5)) config['auth'] = { header_name: 'Authorization', header_value: r.pick(NASTY_STRINGS) };
    if (r.chance(0.5)) setOwn(config, r.pick(['logging', 'model', ...WEIRD_KEYS]), this.value(1));
    return config;
  }

  private value(depth: number): unknown {
    const r = this.random;
    const roll = r.int(20);
    if (roll < 8) return r.pick(NASTY_STRINGS);
    if (roll < 10) return r.pick(NUMBERS);
    if (roll < 11) return r.pick([true, false, null]);
    // Huge lists and maps hold scalars only, so that a value stays small enough to build.
    const huge = r.chance(0.05);
    const inner = () => (huge ? r.pick(NASTY_STRINGS.slice(0, 10)) : this.value(depth + 1));
    if (roll < 15 && depth < 4) return Array.from({ length: huge ? 300 + r.int(1_000) : r.int(4) }, inner);
    if (roll < 19 && depth < 4) {
      const record: Record<string, unknown> = {};
      const keys = huge ? 1_100 : r.int(4);
      for (let i = 0; i < keys; i++) setOwn(record, r.chance(0.7) ? `k${i}` : r.pick(WEIRD_KEYS), inner());
      return record;
    }
    // Deeper bodies (4,000) are sent as raw text: serializing them here would take this stack.
    return JSON.parse(deepJson(r.pick([17, 100, 1_000])));
  }

  private withBody(method: string, path: string, record: Record<string, unknown>): FuzzRequest {
    const r = this.random;
    const encoding = r.pick(['json', 'json', 'form', 'form', 'multipart', 'raw']);
    const label = (kind: string, text: string) =>
      `${method} ${path.slice(0, 200)} ${kind} ${text.slice(0, 300)}`;
    if (encoding === 'json') {
      const text = JSON.stringify(record);
      return {
        method,
        path,
        body: { contentType: 'application/json', data: text },
        label: label('json', text),
      };
    }
    if (encoding === 'raw') {
      const [contentType, data] = r.pick([
        ['application/json', '{"name": '],
        ['application/json', `{"paths":["/x"],"sources":${deepJson(4_000)}}`],
        ['application/json', '{"a":1,"a":{"__proto__":{"x":1}}}'],
        ['text/plain', 'name=x'],
        [null, 'name=x'],
        ['application/x-www-form-urlencoded', '%%%&&&==='],
        ['multipart/form-data; boundary=x', '--x\r\nbroken'],
      ] as const);
      return { method, path, body: { contentType, data }, label: label(`raw ${contentType}`, data) };
    }
    const pairs = this.formPairs(record);
    if (encoding === 'form') {
      const text = new URLSearchParams(pairs).toString();
      return {
        method,
        path,
        body: { contentType: 'application/x-www-form-urlencoded', data: text },
        label: label('form', text),
      };
    }
    const form = new FormData();
    for (const [key, value] of pairs) form.append(key, value);
    return {
      method,
      path,
      body: { contentType: null, data: form },
      label: label('multipart', JSON.stringify(pairs)),
    };
  }

  /** Kong's form keys for a record (dotted, `[]`, `[n]`, `[key]`), plus a raw odd pair now and then. */
  private formPairs(record: Record<string, unknown>): [string, string][] {
    const r = this.random;
    const pairs: [string, string][] = [];
    const walk = (prefix: string, value: unknown, depth: number) => {
      if (depth > 20 || pairs.length > 1_100) return;
      if (Array.isArray(value)) {
        value.forEach((item, index) =>
          walk(`${prefix}${r.chance(0.5) ? '[]' : `[${index + 1}]`}`, item, depth + 1),
        );
      } else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          walk(r.chance(0.5) ? `${prefix}.${key}` : `${prefix}[${key}]`, inner, depth + 1);
        }
      } else {
        pairs.push([prefix, value === null ? '' : String(value)]);
      }
    };
    for (const [key, value] of Object.entries(record)) walk(key, value, 0);
    if (r.chance(0.2)) {
      pairs.push(
        r.pick<[string, string]>([
          ['__proto__[toString]', 'x'],
          ['__proto__[x-polluted]', 'yes'],
          ['constructor[prototype][x]', '1'],
          [`tags${'[a]'.repeat(r.pick([17, 10_000]))}`, 'v'],
          ['paths[x]', '/a'],
          ['paths[]', '/b'],
          ['[]', 'x'],
          ['headers.x-a', '~*('],
        ]),
      );
    }
    return pairs;
  }
}

/**
 * The issue's reproductions, sent before the random requests: each one a 500, a frozen config
 * or a polluted prototype before it was fixed.
 */
export function targetedRequests(random: SeededRandom): FuzzRequest[] {
  const json = (path: string, body: unknown, method = 'POST'): FuzzRequest => {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    return {
      method,
      path,
      body: { contentType: 'application/json', data },
      label: `${method} ${path} ${data.slice(0, 200)}`,
    };
  };
  const form = (path: string, data: string): FuzzRequest => ({
    method: 'POST',
    path,
    body: { contentType: 'application/x-www-form-urlencoded', data },
    label: `POST ${path} form ${data.slice(0, 200)}`,
  });
  const duplicateId = random.uuid();
  const manyFields = new FormData();
  for (let i = 0; i < 1_100; i++) manyFields.append('tags[]', `t${i}`);
  return [
    json('/routes', `{"paths":["/deep"],"sources":${deepJson(4_000)}}`),
    form('/routes', 'headers.x-a=~*('),
    form('/anything', '__proto__[toString]=x'),
    form('/services', '__proto__[x-polluted]=yes&host=x.example'),
    form('/services', `host=x.example&tags${'[a]'.repeat(10_000)}=v`),
    json('/consumers', { username: 'a\u0000b' }),
    json('/consumers', '{"username":"\\ud800"}'),
    json('/services', { host: 'x.example', tags: ['\u0000'] }),
    json('/routes', { paths: ['/a\u0000'] }),
    json('/plugins', {
      name: 'ai-proxy',
      config: { route_type: 'llm/v1/chat', model: { provider: 'openai', name: '\u0000' } },
    }),
    json('/services', { id: 'abc', host: 'x.example' }),
    json('/services', { id: duplicateId, host: 'first.example' }),
    json('/services', { id: duplicateId, host: 'second.example' }),
    { method: 'GET', path: '/services/%00', label: 'GET /services/%00' },
    form('/routes', 'paths[x]=/a&paths[]=/b'),
    form('/routes', 'paths[]=/a&paths[x]=/b'),
    {
      method: 'POST',
      path: '/services',
      body: { contentType: null, data: manyFields },
      label: 'POST /services multipart 1,100 fields',
    },
    {
      method: 'POST',
      path: '/services',
      body: {
        contentType: 'multipart/form-data; boundary=x',
        data: '--x\r\nContent-Disposition: form-data; name="host"\r\n\r\nx',
      },
      label: 'POST /services truncated multipart',
    },
  ];
}

/** Percent-encodes text for a URL; an unpaired surrogate (which has no UTF-8) as the bytes of one. */
function encodePathSegment(text: string): string {
  return text
    .split(/(\p{Cs})/u)
    .map((part) => (/^\p{Cs}$/u.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
