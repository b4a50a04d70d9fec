// Config propagation latency: admin + config-sync + 3 proxy processes on PostgreSQL and Redis.
// For each of WRITES successive admin writes (PATCH of one route's path), the time from the
// admin's 200 until every proxy serves the new path (each polled about every millisecond).
// Usage: npm run build && npx node tools/bench/propagation/run.mjs   (Node 24; writes tmp/bench/propagation.json)
// Environment: BENCH_WRITES (default 200), BENCH_PROXIES (default 3), TEST_POSTGRES_URL, TEST_REDIS_URL.
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  createTestDatabase,
  startEchoUpstream,
  SwitchyardCluster,
  uniqueTestName,
} from '../../../libs/testing/dist/index.js';
import { summarize } from '../stats.mjs';

const WRITES = Number(process.env.BENCH_WRITES ?? 200);
const PROXIES = Number(process.env.BENCH_PROXIES ?? 3);
const WARMUP_WRITES = 10;
/** Longest wait for one change to reach every proxy before the run is declared failed. */
const PROPAGATION_TIMEOUT_MS = 10_000;
const TARGET_P99_MS = 100;

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** The status of `GET <url>`, over a kept-alive connection. */
function statusOf(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds from `since` until `GET <path>` answers 200 on `proxy`; polls about every 1 ms. */
async function servedAfter(proxy, path, since) {
  const deadline = since + PROPAGATION_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if ((await statusOf(`${proxy.url}${path}`)) === 200) return performance.now() - since;
    await sleep(1);
  }
  throw new Error(`${proxy.name} did not serve ${path} within ${PROPAGATION_TIMEOUT_MS} ms`);
}

/** Moves the route to `path` and measures until every proxy serves it; returns milliseconds. */
async function propagate(cluster, path) {
  const response = await cluster.admin.json('PATCH', '/routes/bench', { paths: [path] });
  const acknowledged = performance.now();
  if (response.status !== 200) throw new Error(`PATCH answered ${response.status}: ${response.text}`);
  const perProxy = await Promise.all(cluster.proxies.map((proxy) => servedAfter(proxy, path, acknowledged)));
  return Math.max(...perProxy);
}

// Fixed-width paths: route paths match by prefix, and /bench/1 would also match /bench/10.
const pathFor = (index) => `/bench/${String(index).padStart(5, '0')}`;

const database = await createTestDatabase('bench_propagation');
const upstream = await startEchoUpstream();
let cluster;
try {
  cluster = await SwitchyardCluster.start({
    databaseUrl: database.url,
    redisPrefix: uniqueTestName('bench_propagation'),
    proxies: PROXIES,
    // The timers are the fallback path; the benchmark measures the announced path.
    reconcileIntervalMs: 5_000,
    heartbeatIntervalMs: 1_000,
    syncPollIntervalMs: 1_000,
  });
  const service = await cluster.admin.form('POST', '/services', [
    ['name', 'bench'],
    ['url', upstream.url],
  ]);
  if (service.status !== 201)
    throw new Error(`creating the service answered ${service.status}: ${service.text}`);
  const route = await cluster.admin.form('POST', '/services/bench/routes', [
    ['name', 'bench'],
    ['paths[]', pathFor(0)],
    ['strip_path', 'false'],
  ]);
  if (route.status !== 201) throw new Error(`creating the route answered ${route.status}: ${route.text}`);

  for (let index = 1; index <= WARMUP_WRITES; index += 1) await propagate(cluster, pathFor(index));
  const latencies = [];
  for (let index = 1; index <= WRITES; index += 1)
    latencies.push(await propagate(cluster, pathFor(WARMUP_WRITES + index)));

  const summary = summarize(latencies);
  const result = {
    benchmark: 'config propagation: admin write acknowledged -> served by every proxy',
    proxies: PROXIES,
    writes: WRITES,
    warmup_writes: WARMUP_WRITES,
    write: 'PATCH /routes/bench {paths: [new path]}',
    latency_ms: summary,
    target_p99_ms: TARGET_P99_MS,
    meets_target: summary.p99 < TARGET_P99_MS,
    machine: { cpus: cpus().length, node: process.version },
    samples_ms: latencies.map((ms) => Math.round(ms * 100) / 100),
  };
  console.table([{ proxies: PROXIES, ...summary, 'target p99': TARGET_P99_MS }]);
  mkdirSync('tmp/bench', { recursive: true });
  writeFileSync('tmp/bench/propagation.json', JSON.stringify(result, null, 2));
  console.log(
    `wrote tmp/bench/propagation.json${result.meets_target ? '' : ` (p99 above the ${TARGET_P99_MS} ms target)`}`,
  );
} finally {
  agent.destroy();
  await cluster?.stop();
  await upstream.close();
  await database.drop();
}
