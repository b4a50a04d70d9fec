// `npm run bench`: the proxy benchmark. Starts the mock OpenAI upstream, the baseline proxy and
// the gateway (each in its own process), drives each with the same load from a separate process,
// measures the gateway again with OpenTelemetry tracing on (every request sampled, then 10%),
// exporting to a no-op OTLP collector (otlp-sink.mjs), profiles the gateway and the baseline
// under that load, runs the proxy app with PROXY_WORKERS=1 and 2 and with V8's heap capped, and
// reports (stdout, tmp/bench/results.json, results.md).
//   npm run bench                   the benchmark (about 3.5 minutes on 2 cores, of which about 25 s
//                                   per traced gateway; 4.5 at most)
//   npm run bench -- --memory       the memory check instead (200k requests, about 1.5 minutes)
//   npm run bench -- --tracing-cost the CPU of the proxy's tracing alone per request (20 s)
//   npm run bench -- --plugin-cost  the CPU each plugin adds to a request (about 1 minute)
//   npm run bench -- --footprint    the standalone's start time and memory (standalone-footprint.mjs, about 2 minutes)
//   npm run bench -- --balancer-cost the CPU a two-target ai-proxy-advanced route adds per request
//   npm run bench -- --plugin-phase-cost the CPU of each prompt plugin's phases and of ai-proxy's, in one process
// Needs `npm run build` first (the script does it) and, for the proxy app, the Redis of the test
// suite (TEST_REDIS_URL, default redis://127.0.0.1:6379). On a shared machine each measurement
// first waits for the other work to calm down (60 s in all at most) and the report shows how much
// CPU other processes took during each c=32 run.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTask, startService, withStarted } from './children.mjs';
import { AUTHORIZATION, startStandalone, startWorkerProxy } from './gateway.mjs';
import { runMemorySoak } from './memory-soak.mjs';
import { measureStandaloneFootprint } from './standalone-footprint.mjs';
import { measureTracingCost } from './tracing-cost.mjs';
import { measurePluginCost } from './plugin-cost.mjs';
import { measureBalancerCost } from './balancer-cost.mjs';
import { measurePluginPhaseCost } from './plugin-phase-cost.mjs';
import { summarizeCpuProfile } from './profile-summary.mjs';
import { writeReport } from './report.mjs';
import {
  childPids,
  cpuMeter,
  peakRssSinceStartMb,
  rssMb,
  sampleRss,
  waitForQuietMachine,
} from './proc-stats.mjs';

const WARMUP_SECONDS = 2;
const C32_SECONDS = 6;
const C1_SECONDS = 3;
/**
 * The proxy app runs: 1 vs 2 workers with the apps' own heap settings, then 1 worker with the
 * young generation capped alone and with Node's defaults (the RSS levers; `env`: variables added).
 */
const PROXY_APP_RUNS = [
  { workers: 1 },
  { workers: 2 },
  { workers: 1, env: 'HEAP_GROWING_PERCENT=0' },
  { workers: 1, env: 'HEAP_MAX_SEMI_SPACE_MB=0 HEAP_GROWING_PERCENT=0' },
];
/** 16 clients started 45 ms apart: spread over one stream's ~700 ms, so that starts never pile up. */
const STREAM = {
  streams: 96,
  warmupStreams: 16,
  concurrency: 16,
  staggerMs: 45,
  eventCount: 64,
  eventIntervalMs: 10,
};
/** The most the whole run waits for a quiet machine, and the most before one measurement. */
const QUIET_BUDGET_MS = 60_000;
const QUIET_WAIT_MS = 10_000;

/** The client's request: the same for every target (the model is the one the route configures). */
const CHAT = {
  model: 'gpt-4',
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};
const STREAM_CHAT = { ...CHAT, stream: true, stream_options: { include_usage: true } };

/** Fails early (instead of benchmarking error pages) unless `url` answers the chat request. */
async function checkAnswer(target) {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: JSON.stringify(CHAT),
  });
  const text = await response.text();
  if (response.status !== 200 || !JSON.parse(text).choices?.[0]?.message?.content) {
    throw new Error(`${target.name} (${target.url}) answered ${response.status}: ${text}`);
  }
}

let quietBudgetMs = QUIET_BUDGET_MS;

/** Waits for a quiet machine within what is left of the run's budget; resolves with the wait. */
async function settle() {
  const quiet = await waitForQuietMachine({ timeoutMs: Math.min(QUIET_WAIT_MS, quietBudgetMs) });
  quietBudgetMs = Math.max(0, quietBudgetMs - quiet.waitedMs);
  return quiet;
}

function load(target, connections, seconds) {
  return runTask('load.mjs', { url: target.url, headers: target.headers, body: CHAT, connections, seconds });
}

/**
 * A c=32 load (once the machine is quiet) with the CPU use of the process(es) under test, of the
 * mock upstream (when it is not itself the target), of the load generator, of the rest of the
 * machine; and the CPU time the target spent per request.
 */
async function loadC32(target, pids, mockPid) {
  const quiet = await settle();
  const meter = cpuMeter(pids.includes(mockPid) ? { target: pids } : { target: pids, mock: [mockPid] });
  const c32 = await load(target, 32, C32_SECONDS);
  const cpu = meter.stop(c32.cpuSeconds);
  return {
    ...c32,
    cpu: {
      targetPctOfCore: cpu.pctOfCore.target,
      mockPctOfCore: cpu.pctOfCore.mock ?? cpu.pctOfCore.target,
      loadGeneratorPctOfCore: Math.round((c32.cpuSeconds / c32.seconds) * 1000) / 10,
      otherPctOfCore: cpu.otherPctOfCore,
      machineBusyPct: cpu.machineBusyPct,
      targetUsPerRequest: Math.round((cpu.seconds.target / c32.ok) * 1e6),
      busyPctBeforeStart: quiet.busyPct,
      waitedForQuietMs: quiet.waitedMs,
    },
  };
}

function streamProbe(target, streams) {
  return runTask('streaming-probe.mjs', {
    url: target.url,
    headers: target.headers,
    body: STREAM_CHAT,
    streams,
    concurrency: STREAM.concurrency,
    staggerMs: STREAM.staggerMs,
  });
}

/**
 * Every figure of one target (whose process is `pids[0]`): warm-up, throughput, latency and CPU
 * at c=32, latency at c=1, then the streaming probe (after a streaming warm-up); the RSS of the
 * target is sampled throughout.
 */
async function measure(target, pids, mockPid) {
  await checkAnswer(target);
  const idleRssMb = rssMb(pids[0]);
  const rss = sampleRss(pids);
  const warmup = await load(target, 32, WARMUP_SECONDS);
  const c32 = await loadC32(target, pids, mockPid);
  await settle();
  const c1 = await load(target, 1, C1_SECONDS);
  const streamWarmup = await streamProbe(target, STREAM.warmupStreams);
  await settle();
  const stream = await streamProbe(target, STREAM.streams);
  const { peakMb } = rss.stop();
  const answered = (run) => Object.values(run.statuses).reduce((a, b) => a + b, 0);
  console.log(
    `${target.name}: ${c32.requestsPerSecond} req/s at c=32, p50 ${c1.latencyMs.p50} ms at c=1, TTFT p50 ${stream.ttftMs.p50} ms`,
  );
  return {
    url: target.url,
    c32,
    c1,
    stream,
    idleRssMb,
    peakRssMb: peakMb[pids[0]],
    peakRssSinceStartMb: peakRssSinceStartMb(pids[0]),
    /** Every request the target answered, warm-ups and the check included. */
    requestsAnswered:
      1 + answered(warmup) + answered(c32) + answered(c1) + streamWarmup.streams + stream.streams,
  };
}

/** The gateway's own figures, then its access log's size (the log is kept under tmp/bench). */
async function measureGateway(name, gateway, mockPid) {
  const result = await measure({ name, url: gateway.url, headers: {} }, [gateway.pid], mockPid);
  return {
    ...result,
    logFile: gateway.logFile,
    logBytes: existsSync(gateway.logFile) ? statSync(gateway.logFile).size : 0,
  };
}

/**
 * A standalone gateway (access log on) exporting its spans over OTLP (protobuf, batch processor,
 * the defaults unless `env` says otherwise) to a no-op collector of its own: its figures, then
 * what the collector received from it, read once the gateway has stopped (and flushed).
 */
async function measureTracedGateway(name, upstreamUrl, env, mockPid) {
  return withStarted(startService('otlp-sink.mjs'), async (sink) => {
    const startedAt = performance.now();
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, ...env };
    const result = await withStarted(
      startStandalone({ upstreamUrl, accessLog: true, name, env: tracing }),
      (gateway) => measureGateway(name, gateway, mockPid),
    );
    const otlpSink = await (await fetch(`${sink.url}/stats`)).json();
    console.log(
      `${name}: the collector received ${otlpSink.exports} exports, ${otlpSink.bytes} bytes, ${otlpSink.spans} spans (${Math.round((performance.now() - startedAt) / 1000)} s)`,
    );
    return { ...result, tracing, otlpSink };
  });
}

/**
 * The CPU profile of one target over a c=32 non-stream load. `start(env)` starts the target with
 * `env` (the profiler's preload) and resolves with its `{ url, pid, stop }`.
 */
async function profileUnderLoad(name, start) {
  const file = resolve(`tmp/bench/${name}-c32.cpuprofile`);
  rmSync(file, { force: true });
  const env = {
    NODE_OPTIONS: `--import=${resolve('tools/bench/cpu-profile-preload.mjs')}`,
    BENCH_CPU_PROFILE: file,
  };
  return withStarted(start(env), async (target) => {
    const load32 = (seconds) => load({ url: target.url, headers: {} }, 32, seconds);
    await load32(WARMUP_SECONDS);
    await settle();
    process.kill(target.pid, 'SIGUSR2');
    const c32 = await load32(C32_SECONDS);
    process.kill(target.pid, 'SIGUSR2');
    for (let waited = 0; !existsSync(file) && waited < 10_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`${name} (profiled): ${c32.requestsPerSecond} req/s at c=32`);
    return {
      ...summarizeCpuProfile(file, { top: 200 }),
      requests: c32.ok,
      requestsPerSecond: c32.requestsPerSecond,
    };
  });
}

/** Throughput and CPU of the proxy app with `workers` workers, and each worker's peak RSS. */
async function measureProxyApp(upstreamUrl, { workers, env: variables = '' }, mockPid) {
  const env = Object.fromEntries(
    variables
      .split(' ')
      .filter(Boolean)
      .map((pair) => pair.split('=')),
  );
  return withStarted(startWorkerProxy({ upstreamUrl, workers, accessLog: true, env }), async (proxy) => {
    const target = {
      name: `proxy app, ${workers} worker(s) ${variables}`,
      url: proxy.url,
      headers: {},
    };
    await checkAnswer(target);
    const workerPids = workers > 1 ? childPids(proxy.pid) : [proxy.pid];
    const rss = sampleRss(workerPids);
    await load(target, 32, WARMUP_SECONDS);
    const c32 = await loadC32(target, workers > 1 ? [proxy.pid, ...workerPids] : workerPids, mockPid);
    const { peakMb } = rss.stop();
    console.log(`${target.name}: ${c32.requestsPerSecond} req/s at c=32`);
    return {
      workers,
      env: variables,
      c32,
      workerPeakRssMb: workerPids.map((pid) => peakMb[pid]),
    };
  });
}

async function runBenchmark() {
  const startedAt = performance.now();
  const loadAverageAtStart = loadavg();
  const mockBehaviour = { eventCount: STREAM.eventCount, eventIntervalMs: STREAM.eventIntervalMs };
  await withStarted(startService('mock-upstream.mjs', { behaviour: mockBehaviour }), async (mock) => {
    const direct = {
      name: 'direct',
      url: `${mock.url}/v1/chat/completions`,
      headers: { authorization: AUTHORIZATION },
    };
    const baselineInput = { upstreamUrl: direct.url, authorization: AUTHORIZATION };
    const targets = {
      direct: await measure(direct, [mock.pid], mock.pid),
      baseline: await withStarted(startService('baseline-proxy.mjs', baselineInput), (baseline) =>
        measure({ name: 'baseline', url: baseline.url, headers: {} }, [baseline.pid], mock.pid),
      ),
    };
    for (const [key, accessLog] of [
      ['gateway', true],
      ['gatewayNoAccessLog', false],
    ]) {
      targets[key] = await withStarted(
        startStandalone({ upstreamUrl: mock.url, accessLog, name: key }),
        (gateway) => measureGateway(key, gateway, mock.pid),
      );
    }
    for (const [key, sampling] of [
      ['gatewayTraced', {}],
      [
        'gatewayTracedSampled10',
        { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
      ],
    ]) {
      targets[key] = await measureTracedGateway(key, mock.url, sampling, mock.pid);
    }
    const profile = {
      gateway: await profileUnderLoad('gateway', (env) =>
        startStandalone({ upstreamUrl: mock.url, accessLog: true, name: 'gateway-profiled', env }),
      ),
      baseline: await profileUnderLoad('baseline', (env) =>
        startService('baseline-proxy.mjs', baselineInput, env),
      ),
    };
    const workers = [];
    for (const run of PROXY_APP_RUNS) workers.push(await measureProxyApp(mock.url, run, mock.pid));
    writeReport({
      machine: { cpus: availableParallelism(), node: process.version, loadAverageAtStart },
      settings: {
        loadTool: 'autocannon',
        warmupSeconds: WARMUP_SECONDS,
        c32Seconds: C32_SECONDS,
        c1Seconds: C1_SECONDS,
        stream: STREAM,
        request: CHAT,
      },
      targets,
      profile,
      workers,
      durationSeconds: Math.round((performance.now() - startedAt) / 1000),
      waitedForQuietSeconds: Math.round((QUIET_BUDGET_MS - quietBudgetMs) / 1000),
    });
  });
}

// Every path (tmp/bench/...) is relative to the repository root, wherever this is started from.
process.chdir(fileURLToPath(new URL('../../', import.meta.url)));
mkdirSync('tmp/bench', { recursive: true });
if (process.argv.includes('--memory')) await runMemorySoak();
else if (process.argv.includes('--tracing-cost')) await measureTracingCost();
else if (process.argv.includes('--balancer-cost')) await measureBalancerCost();
else if (process.argv.includes('--plugin-phase-cost')) await measurePluginPhaseCost();
else if (process.argv.includes('--plugin-cost')) await measurePluginCost();
else if (process.argv.includes('--footprint')) await measureStandaloneFootprint();
else await runBenchmark();
