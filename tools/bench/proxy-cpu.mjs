// The gateway's own CPU per proxied request, measured in ONE process so that a shared, noisy
// machine moves it little: a proxy node (libs/gateway, the catalog's ai-proxy plugin, the access
// log through the real logger into a file, metrics on) in front of a fixed-answer upstream, both
// on real loopback sockets, driven by an undici client from the same process. Each round times
// the client against the upstream alone ("direct"), through the plain-Node baseline proxy of
// `npm run bench` (baseline-proxy.mjs's request path, here in-process), then through each
// gateway; a proxy's figure is its difference from direct, in process CPU µs (user + system)
// per request (and on the main thread alone), and each gateway's is also a ratio of the baseline's.
//   node tools/bench/proxy-cpu.mjs [--roots=<checkout>,<checkout>] [--provider=openai|anthropic]
//     [--access-log=on|off] [--requests=20000] [--rounds=5] [--concurrency=8]
//     [--stream]   (OpenAI: the client asks for a stream; the upstream sends 16 SSE events, each
//                   in a write of its own, and [DONE]; the baseline writes each chunk through)
//     [--profile=gateway|baseline|direct]   (writes tmp/bench/proxy-cpu-<kind>.cpuprofile)
//     [--allocations=gateway|baseline|direct]   (bytes allocated per request by function, on stderr,
//       and tmp/bench/proxy-cpu-<kind>.heapprofile: V8's sampling heap profile, collected objects included)
// `--roots` (default: this checkout) loads the built libs of each checkout given (each with its
// own node_modules) into the same process, one gateway each, for an A/B between two builds in
// alternating rounds on the same machine state. `--profile=gateway` profiles the first root's.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { Agent, Pool } from 'undici';
import { CHECKOUT, checkoutRoots, commandLineArgs } from './cli-args.mjs';

const args = commandLineArgs();
const here = CHECKOUT;
const roots = checkoutRoots(args);
const provider = args.provider ?? 'openai';
const accessLogOn = (args['access-log'] ?? 'on') === 'on';
const REQUESTS = Number(args.requests ?? 20_000);
const ROUNDS = Number(args.rounds ?? 5);
const CONCURRENCY = Number(args.concurrency ?? 8);
const WARMUP = Math.min(REQUESTS, 10_000);
const STREAM = args.stream === 'true';
if (STREAM && provider !== 'openai') throw new Error('--stream measures the openai provider only');
/** The streamed answer: 16 content events, then usage and [DONE] (OpenAI's wire format). */
const EVENTS = [
  ...Array.from({ length: 16 }, (_, index) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4-0613',
    choices: [{ index: 0, delta: { content: `token${index} ` }, finish_reason: null }],
  })),
  {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4-0613',
    choices: [],
    usage: { prompt_tokens: 14, completion_tokens: 16, total_tokens: 30 },
  },
].map((event) => Buffer.from(`data: ${JSON.stringify(event)}\n\n`));

const KEY = 'sk-bench';
const PROVIDERS = {
  openai: {
    path: '/v1/chat/completions',
    auth: { header_name: 'Authorization', header_value: `Bearer ${KEY}`, allow_override: false },
    model: { provider: 'openai', name: 'gpt-4' },
    answer: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4-0613',
      choices: [{ index: 0, message: { role: 'assistant', content: '1 + 1 = 2.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 },
    },
  },
  anthropic: {
    path: '/v1/messages',
    auth: { header_name: 'x-api-key', header_value: KEY, allow_override: false },
    model: { provider: 'anthropic', name: 'claude-sonnet-4-5', options: { anthropic_version: '2023-06-01' } },
    answer: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: '1 + 1 = 2.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 14, output_tokens: 9 },
    },
  },
};
const target = PROVIDERS[provider];
// No model: the route's is used (a different one would be refused, as Kong refuses it).
const CHAT = JSON.stringify({
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
  ...(STREAM && { stream: true }),
});

/** The upstream: reads the request and sends the provider's fixed answer (as the bench's mock would). */
function startUpstream() {
  const answer = Buffer.from(JSON.stringify(target.answer));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!STREAM) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
        res.end(answer);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Each event in a write of its own, a loop turn apart: the proxy reads them one by one.
      let next = 0;
      const send = () => {
        if (next < EVENTS.length) {
          res.write(EVENTS[next++]);
          setImmediate(send);
        } else res.end('data: [DONE]\n\n');
      };
      send();
    });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const upstream = await startUpstream();
const upstreamUrl = `http://127.0.0.1:${upstream.address().port}`;

/** baseline-proxy.mjs's request path: parse the JSON, forward it re-serialised, answer the JSON re-serialised. */
function startBaseline() {
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: 256 });
  const authorization = `Bearer ${KEY}`;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const answer = await agent.request({
      origin: upstreamUrl,
      path: target.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(request),
    });
    if (request.stream === true) {
      res.writeHead(answer.statusCode, {
        'content-type': answer.headers['content-type'],
        'cache-control': 'no-cache',
      });
      for await (const chunk of answer.body) res.write(chunk);
      res.end();
      return;
    }
    const payload = JSON.stringify(await answer.body.json());
    res.writeHead(answer.statusCode, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}
const baseline = await startBaseline();
mkdirSync(`${here}/tmp/bench`, { recursive: true });

/** A proxy node of the build at `root`, serving the ai-proxy route at `/chat`; resolves with its origin and stop(). */
async function startGateway(root, index) {
  const lib = (name) => import(pathToFileURL(`${root}/libs/${name}/dist/index.js`).href);
  const [{ ProxyNode }, { InProcessConfigBus }, config, { createPluginRuntimes }, { createLogger }] =
    await Promise.all([lib('gateway'), lib('bus'), lib('config'), lib('catalog'), lib('telemetry')]);
  const { ENTITY_DEFINITIONS, buildEntity, buildSnapshot } = config;
  const logFile = `${here}/tmp/bench/proxy-cpu-${process.pid}-${index}.log`;
  const logger = createLogger({ name: 'bench', level: 'info', destination: logFile });
  const bus = new InProcessConfigBus();
  const node = new ProxyNode({
    bus,
    plugins: createPluginRuntimes(),
    listen: { host: '127.0.0.1', port: 0 },
    statusListen: { host: '127.0.0.1', port: 0 },
    node: { id: 'bench', hostname: 'bench', version: 'bench' },
    logger,
    maxBodyBytes: 8 * 1024 * 1024,
    maxResponseBodyBytes: 16 * 1024 * 1024,
    clientTimeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 65_000 },
    accessLog: accessLogOn ? (entry) => logger.record('access', entry) : undefined,
  });
  await node.start();
  const service = buildEntity(
    ENTITY_DEFINITIONS.services,
    { name: 'llm', host: '127.0.0.1', port: 32000 },
    { kind: 'create' },
  );
  const route = buildEntity(
    ENTITY_DEFINITIONS.routes,
    { name: 'chat', paths: ['/chat'], service: { id: service.id } },
    { kind: 'create' },
  );
  const plugin = buildEntity(
    ENTITY_DEFINITIONS.plugins,
    {
      name: 'ai-proxy',
      route: { id: route.id },
      config: {
        route_type: 'llm/v1/chat',
        auth: target.auth,
        model: {
          ...target.model,
          options: { ...target.model.options, upstream_url: `${upstreamUrl}${target.path}` },
        },
        logging: { log_statistics: true, log_payloads: false },
        response_streaming: 'allow',
        max_request_body_size: 8192,
        model_name_header: true,
        llm_format: 'openai',
      },
    },
    { kind: 'create' },
  );
  await bus.publisher.publish(
    buildSnapshot({ version: 1, services: [service], routes: [route], consumers: [], plugins: [plugin] }),
  );
  while (node.active.current?.version !== 1) await new Promise((done) => setTimeout(done, 5));
  return {
    origin: `http://127.0.0.1:${node.proxyAddress.port}`,
    async stop() {
      await node.stop();
      await bus.close();
      logger.flush();
      rmSync(logFile, { force: true });
    },
  };
}

const gateways = [];
for (const [index, root] of roots.entries()) gateways.push(await startGateway(root, index));
/** What the client calls: an origin pool and a path, by kind (`gateway` is the first root's). */
const targets = {
  direct: { pool: new Pool(upstreamUrl, { connections: CONCURRENCY }), path: target.path },
  baseline: {
    pool: new Pool(`http://127.0.0.1:${baseline.address().port}`, { connections: CONCURRENCY }),
    path: target.path,
  },
};
for (const [index, gateway] of gateways.entries())
  targets[index === 0 ? 'gateway' : `gateway${index}`] = {
    pool: new Pool(gateway.origin, { connections: CONCURRENCY }),
    path: '/chat',
  };
const gatewayKinds = Object.keys(targets).filter((kind) => kind.startsWith('gateway'));
const headers = { 'content-type': 'application/json' };

async function oneRequest(kind) {
  const { pool, path } = targets[kind];
  const { statusCode, body } = await pool.request({ path, method: 'POST', headers, body: CHAT });
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`${kind} answered ${statusCode}: ${text}`);
}

/**
 * CPU µs per request over `requests` requests, `CONCURRENCY` in flight: the process's (all
 * threads: V8's GC helpers and libuv's pool count too) and the main thread's alone.
 */
async function cpuPerRequest(kind, requests) {
  let left = requests;
  const before = process.cpuUsage();
  const threadBefore = process.threadCpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await oneRequest(kind);
    }),
  );
  const used = process.cpuUsage(before);
  const thread = process.threadCpuUsage(threadBefore);
  return {
    process: (used.user + used.system) / requests,
    main: (thread.user + thread.system) / requests,
  };
}

for (const kind of Object.keys(targets)) await cpuPerRequest(kind, WARMUP);
const rounds = { direct: [], baseline: [], baselineMain: [] };
for (const kind of gatewayKinds)
  Object.assign(rounds, { [kind]: [], [`${kind}Main`]: [], [`${kind}Ratio`]: [] });
for (let round = 0; round < ROUNDS; round += 1) {
  const direct = await cpuPerRequest('direct', REQUESTS);
  const base = await cpuPerRequest('baseline', REQUESTS);
  rounds.direct.push(direct.process);
  rounds.baseline.push(base.process - direct.process);
  rounds.baselineMain.push(base.main - direct.main);
  // The gateways in turn, starting with a different one each round.
  for (let turn = 0; turn < gatewayKinds.length; turn += 1) {
    const kind = gatewayKinds[(round + turn) % gatewayKinds.length];
    const gateway = await cpuPerRequest(kind, REQUESTS);
    rounds[kind].push(gateway.process - direct.process);
    rounds[`${kind}Main`].push(gateway.main - direct.main);
    rounds[`${kind}Ratio`].push((gateway.process - direct.process) / (base.process - direct.process));
  }
}
if (args.profile) {
  // One more pass of the kind named, under the sampling profiler: its V8 .cpuprofile for
  // tools/bench/profile-summary.mjs.
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await cpuPerRequest(args.profile, REQUESTS);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(`${here}/tmp/bench/proxy-cpu-${args.profile}.cpuprofile`, JSON.stringify(profile));
  session.disconnect();
}
if (args.allocations) await profileAllocations(args.allocations);

/**
 * One more pass of the kind named under V8's sampling heap profiler, objects the GC collected
 * included: what each function allocates per request (the whole process's: client and upstream
 * too), the top ones on stderr, the profile in tmp/bench for DevTools.
 */
async function profileAllocations(kind) {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await cpuPerRequest(kind, REQUESTS);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  writeFileSync(`${here}/tmp/bench/proxy-cpu-${kind}.heapprofile`, JSON.stringify(profile));
  const bytes = new Map();
  const visit = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.replace(`file://${here}/`, '')}:${lineNumber + 1}`;
    bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  const total = [...bytes.values()].reduce((sum, value) => sum + value, 0);
  console.error(`${kind}: ${Math.round(total / REQUESTS)} bytes allocated per request (whole process)`);
  for (const [where, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.error(`${String(Math.round(size / REQUESTS)).padStart(6)} B  ${where}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value) => value.toFixed(1);
const result = {
  provider,
  accessLog: accessLogOn,
  stream: STREAM,
  concurrency: CONCURRENCY,
  requestsPerRound: REQUESTS,
  rounds: ROUNDS,
  directUs: Number(fixed(median(rounds.direct))),
  baseline: {
    addedUs: Number(fixed(median(rounds.baseline))),
    addedMainThreadUs: Number(fixed(median(rounds.baselineMain))),
  },
};
for (const [index, kind] of gatewayKinds.entries())
  result[kind] = {
    root: roots[index],
    addedUs: Number(fixed(median(rounds[kind]))),
    addedMainThreadUs: Number(fixed(median(rounds[`${kind}Main`]))),
    ratioToBaseline: Number(median(rounds[`${kind}Ratio`]).toFixed(2)),
    addedRounds: rounds[kind].map((value) => Number(fixed(value))),
  };
console.log(JSON.stringify(result, null, 2));
await Promise.all(Object.values(targets).map(({ pool }) => pool.close()));
for (const gateway of gateways) await gateway.stop();
baseline.close();
upstream.close();
