// The CPU of what a proxy node does with each finished request after its plugins' `log`, in ONE
// process and without sockets: `GatewayMetrics.record` and the access log line
// (`logger.record('access', ...)` through the real logger into a file), on the entry an OpenAI
// `ai-proxy` route with `log_statistics` logs. Those few µs drown in `proxy-cpu.mjs`'s noise;
// here each round times `--requests` entries, yielding to the event loop every `--concurrency`
// (as requests finish on a busy node, so that the file writes interleave as they do there).
//   node tools/bench/log-phase.mjs [--roots=<checkout>,<checkout>] [--parts=both|metrics|access-log]
//     [--requests=200000] [--rounds=7] [--concurrency=8]
// `--roots` (default: this checkout) loads the built libs of each checkout given, for an A/B
// between two builds in alternating rounds. Reports each root's median µs per entry (the process's
// CPU, with libuv's thread pool writing the file, and the main thread's alone), beyond the cost of
// building the entries.
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CHECKOUT, checkoutRoots, commandLineArgs } from './cli-args.mjs';

const args = commandLineArgs();
const here = CHECKOUT;
const roots = checkoutRoots(args);
const parts = args.parts ?? 'both';
const REQUESTS = Number(args.requests ?? 200_000);
const ROUNDS = Number(args.rounds ?? 7);
const CONCURRENCY = Number(args.concurrency ?? 8);
if (!['both', 'metrics', 'access-log'].includes(parts))
  throw new Error(`--parts=${parts}: use both, metrics or access-log`);

const subjects = [];
for (const [index, root] of roots.entries()) {
  const { createLogger, GatewayMetrics } = await import(
    pathToFileURL(`${root}/libs/telemetry/dist/index.js`).href
  );
  const logFile = `${here}/tmp/bench/log-phase-${process.pid}-${index}.log`;
  const logger = createLogger({ name: 'bench', level: 'info', destination: logFile });
  const metrics = new GatewayMetrics();
  const consume = {
    both: (entry) => {
      metrics.record(entry);
      logger.record('access', entry);
    },
    metrics: (entry) => metrics.record(entry),
    'access-log': (entry) => logger.record('access', entry),
  }[parts];
  subjects.push({ root, logger, logFile, consume });
}

// The model the upstream named comes out of its parsed answer: a new string per request.
const ANSWER = JSON.stringify({ model: 'gpt-4-0613' });

/** The access log entry of the `n`th request on proxy-cpu.mjs's OpenAI route (its shape and values). */
function entryOf(n) {
  return {
    method: 'POST',
    path: '/chat',
    status: 200,
    routeId: '956e371d-d7ef-476a-b8b0-8627b0f43d86',
    serviceId: '0fcdc986-536c-468d-8e63-82377d02b0df',
    routeName: 'chat',
    serviceName: 'llm',
    latency: { total: 8.293 + (n % 7) / 8, upstream: 4.174 + (n % 5) / 8, ttfb: 7.893 + (n % 3) / 8 },
    log: {
      'ai.proxy': {
        meta: {
          plugin_id: 'f4484fd2-4bdf-4da9-9f51-48f0571a4954',
          provider_name: 'openai',
          request_model: 'gpt-4',
          response_model: JSON.parse(ANSWER).model,
          llm_latency: 6 + (n % 3),
        },
        usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23, time_per_token: 0, cost: 0 },
      },
    },
    aborted: false,
    streamed: false,
  };
}

const yieldToLoop = () => new Promise((done) => setImmediate(done));

/** CPU µs per entry over `requests` entries handed to `consume` (none: building them alone). */
async function cpuPerEntry(consume, requests) {
  const before = process.cpuUsage();
  const threadBefore = process.threadCpuUsage();
  let built = 0;
  for (let n = 0; n < requests; n += CONCURRENCY) {
    for (let turn = 0; turn < CONCURRENCY; turn += 1) {
      const entry = entryOf(n + turn);
      if (consume) consume(entry);
      else built += entry.status;
    }
    await yieldToLoop();
  }
  const used = process.cpuUsage(before);
  const thread = process.threadCpuUsage(threadBefore);
  if (built < 0) throw new Error('unreachable: keeps the entries alive');
  return { process: (used.user + used.system) / requests, main: (thread.user + thread.system) / requests };
}

for (const { consume } of subjects) await cpuPerEntry(consume, REQUESTS / 2);
const rounds = subjects.map(() => ({ process: [], main: [] }));
for (let round = 0; round < ROUNDS; round += 1) {
  const building = await cpuPerEntry(undefined, REQUESTS);
  for (let turn = 0; turn < subjects.length; turn += 1) {
    const index = (round + turn) % subjects.length;
    const used = await cpuPerEntry(subjects[index].consume, REQUESTS);
    rounds[index].process.push(used.process - building.process);
    rounds[index].main.push(used.main - building.main);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value) => Number(value.toFixed(2));
console.log(
  JSON.stringify(
    {
      parts,
      requestsPerRound: REQUESTS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      results: subjects.map(({ root }, index) => ({
        root,
        us: fixed(median(rounds[index].process)),
        mainThreadUs: fixed(median(rounds[index].main)),
        rounds: rounds[index].process.map(fixed),
      })),
    },
    null,
    2,
  ),
);
for (const { logger, logFile } of subjects) {
  logger.flush();
  rmSync(logFile, { force: true });
}
