// The standalone footprint (`npm run bench -- --footprint`, about 2 minutes): what `npm start`
// costs, with the heap settings the app applies itself and with Node's defaults
// (HEAP_MAX_SEMI_SPACE_MB=0 HEAP_GROWING_PERCENT=0), each:
// - start to serving: from spawning the built standalone app on an empty DATA_DIR until its Admin
//   API answers, and from restarting it on that DATA_DIR (one route stored) until the proxy serves
//   the route; the median of STARTS runs each;
// - RSS idle (IDLE_MS after the last restart served), peak RSS under a c=32 load of the OpenAI
//   `ai-proxy` route (sampled every 250 ms), the peak since start (VmHWM) after the load, and the
//   throughput and CPU time per request of that load.
// Writes tmp/bench/footprint.json.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTask, startService, withStarted } from './children.mjs';
import { chatRoute, ROUTE_PATH } from './gateway.mjs';
import { cpuMeter, peakRssSinceStartMb, rssMb, sampleRss } from './proc-stats.mjs';
import { quantile } from './stats.mjs';
import {
  addOpenAiChatRoute,
  startStandaloneGateway,
  waitUntilServed,
} from '../../libs/testing/dist/index.js';

const STARTS = 3;
const IDLE_MS = 5_000;
const LOAD_SECONDS = 10;
const CHAT = { model: 'gpt-4', messages: [{ role: 'user', content: 'What is 1+1?' }] };

const msSince = (start) => Math.round(performance.now() - start);

/**
 * Starts on an empty `dataDir`, adds the route, stops, starts again on the same directory:
 * resolves with both times and the restarted gateway (serving the route).
 */
async function startTwice(upstreamUrl, dataDir, heapEnv) {
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...heapEnv };
  let startedAt = performance.now();
  const first = await startStandaloneGateway(env);
  const emptyToAdminMs = msSince(startedAt);
  await addOpenAiChatRoute(first.admin, chatRoute(upstreamUrl));
  await first.stop();
  startedAt = performance.now();
  const gateway = await startStandaloneGateway(env);
  await waitUntilServed(gateway.proxyUrl, ROUTE_PATH, 10_000);
  return { emptyToAdminMs, restartToServingMs: msSince(startedAt), gateway };
}

/** Idle RSS, then the c=32 load with the RSS sampled, then VmHWM. */
async function memoryOf(gateway) {
  const pid = gateway.process.child.pid;
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleRssMb = rssMb(pid);
  const rss = sampleRss([pid]);
  const cpu = cpuMeter({ gateway: [pid] });
  const load = await runTask('load.mjs', {
    url: `${gateway.proxyUrl}${ROUTE_PATH}`,
    headers: {},
    body: CHAT,
    connections: 32,
    seconds: LOAD_SECONDS,
  });
  const { seconds } = cpu.stop(load.cpuSeconds);
  const { peakMb } = rss.stop();
  return {
    idleRssMb,
    peakRssUnderLoadMb: peakMb[pid],
    peakRssSinceStartMb: peakRssSinceStartMb(pid),
    load: {
      requestsPerSecond: load.requestsPerSecond,
      cpuUsPerRequest: Math.round((seconds.gateway / load.ok) * 1e6),
      statuses: load.statuses,
    },
  };
}

export async function measureStandaloneFootprint() {
  const variants = {
    nodeDefaults: { HEAP_MAX_SEMI_SPACE_MB: '0', HEAP_GROWING_PERCENT: '0' },
    appDefaults: {},
  };
  const results = {};
  await withStarted(startService('mock-upstream.mjs'), async (mock) => {
    for (const [name, heapEnv] of Object.entries(variants)) {
      results[name] = { env: heapEnv, ...(await measureVariant(mock.url, heapEnv)) };
      console.log(`${name}: ${JSON.stringify(results[name])}`);
    }
  });
  const report = { node: process.version, ...results };
  writeFileSync(resolve('tmp/bench/footprint.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

/** STARTS start-restart pairs, then the memory of the last gateway started. */
async function measureVariant(upstreamUrl, heapEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-footprint-'));
  try {
    const starts = [];
    let memory;
    for (let run = 1; run <= STARTS; run++) {
      rmSync(dataDir, { recursive: true, force: true });
      const { gateway, ...times } = await startTwice(upstreamUrl, dataDir, heapEnv);
      starts.push(times);
      if (run < STARTS) await gateway.stop();
      else memory = await withStarted(Promise.resolve(gateway), memoryOf);
    }
    const runs = (key) => ({
      median: quantile(
        starts.map((s) => s[key]),
        0.5,
      ),
      runs: starts.map((s) => s[key]),
    });
    return {
      emptyToAdminMs: runs('emptyToAdminMs'),
      restartToServingMs: runs('restartToServingMs'),
      ...memory,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
