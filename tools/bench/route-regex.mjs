// `node tools/bench/route-regex.mjs` (after `npm run build`): what a route regex costs per match on
// the request path, with the engine the router used before (V8's backtracking RegExp, sticky) and
// the one it uses now (`compileUserRegex`: string comparison for a plain-character pattern, else
// RE2 through re2js), on the paths of Kong's guides; then
// `router.match` for a request to each route of a small route table. One process, 1M matches per
// row after a warm-up; prints ns per match. Timings are reported, never asserted.
import { compileRouter } from '@switchyard/router';
import { compileUserRegex } from '@switchyard/safe-regex';

const WARMUP = 100_000;
const MATCHES = 1_000_000;

/** Each case: a route regex and paths a client sends (a hit, a near miss, a miss). */
const CASES = [
  { source: '/openai-chat$', paths: ['/openai-chat', '/openai-chat/x', '/v1/models'] },
  {
    source: '/(?<model>[^/]+)/chat/completions$',
    paths: ['/gpt-4o/chat/completions', '/gpt-4o/chat/completions/x', '/v1/models'],
  },
];

/** Nanoseconds per call of `match` over `inputs`, round robin. */
function nsPerMatch(match, inputs) {
  let hits = 0;
  for (let i = 0; i < WARMUP; i++) hits += match(inputs[i % inputs.length]) ? 1 : 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < MATCHES; i++) hits += match(inputs[i % inputs.length]) ? 1 : 0;
  const ns = Number(process.hrtime.bigint() - started) / MATCHES;
  if (hits === 0) throw new Error('nothing matched: the case is wrong');
  return ns;
}

const rows = [];
for (const { source, paths } of CASES) {
  const sticky = new RegExp(source, 'y');
  const v8 = nsPerMatch((path) => {
    sticky.lastIndex = 0;
    return sticky.exec(path) !== null;
  }, paths);
  const re2 = compileUserRegex(source, { anchoredAtStart: true });
  rows.push({ route: `~${source}`, v8, re2: nsPerMatch((path) => re2.exec(path) !== null, paths) });
}

const service = {
  id: 's',
  name: 'llm',
  protocol: 'http',
  host: 'upstream',
  port: 80,
  path: null,
  enabled: true,
};
const route = (id, paths) => ({
  id,
  name: id,
  protocols: ['http', 'https'],
  methods: null,
  hosts: null,
  paths,
  headers: null,
  strip_path: true,
  preserve_host: false,
  regex_priority: 0,
  path_handling: 'v0',
  service: { id: 's' },
  created_at: 1,
});
const router = compileRouter(
  [
    route('openai', ['~/openai-chat$']),
    route('azure', ['~/azure-chat$']),
    route('cohere', ['~/cohere-chat$']),
    route('by-model', ['~/(?<model>[^/]+)/chat/completions$']),
  ],
  [service],
);
const requests = ['/openai-chat', '/cohere-chat', '/gpt-4o/chat/completions'].map((path) => ({
  method: 'POST',
  host: 'gateway',
  path,
  headers: {},
}));
const routerNs = nsPerMatch((request) => router.match(request) !== undefined, requests);

console.log('| route regex | V8 RegExp (before) ns/match | compileUserRegex (now) ns/match |');
console.log('| --- | ---: | ---: |');
for (const row of rows) console.log(`| \`${row.route}\` | ${row.v8.toFixed(0)} | ${row.re2.toFixed(0)} |`);
console.log(
  `\nrouter.match over 4 regex routes (Kong's guide + a model capture): ${routerNs.toFixed(0)} ns/request`,
);
