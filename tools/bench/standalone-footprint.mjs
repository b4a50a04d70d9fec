// The standalone footprint (`npm run bench -- --footprint`, about 2 minutes): what `npm start`
// costs, with Node's default flags and with the V8 flags `npm start` gives the standalone app
// (read from package.json's `start` script), each:
// - start to serving: from spawning the built standalone app on an empty DATA_DIR until its Admin
//   API answers, and from restarting it on that DATA_DIR (one route stored) until the proxy serves
//   the route; the median of STARTS runs each;
// - RSS idle (IDLE_MS after the last restart served), peak RSS under a c=32 load of the OpenAI
//   `ai-proxy` route (sampled every 250 ms), the peak since start (VmHWM) after the load, and the
//   throughput and CPU time per request of that load.
// Writes tmp/bench/footprint.json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** The node flags of `npm start` (`node <flags> apps/standalone/dist/main.js`). */
function startScriptFlags() {
  const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start;
  const flags = /\bnode ((?:--\S+ )*)apps\/standalone\/dist\/main\.js/.exec(start);
  if (!flags) throw new Error(`cannot find the standalone's node command in the start script: ${start}`);
  return flags[1].trim();
}

/**
 * Starts on an empty `dataDir`, adds the route, stops, starts again on the same directory:
 * resolves with both times and the restarted gateway (serving the route).
 */
async function startTwice(upstreamUrl, dataDir, nodeOptions) {
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_OPTIONS: nodeOptions };
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
  const variants = { nodeDefaults: '', npmStart: startScriptFlags() };
  const results = {};
  await withStarted(startService('mock-upstream.mjs'), async (mock) => {
    for (const [name, nodeOptions] of Object.entries(variants)) {
      results[name] = { nodeOptions, ...(await measureVariant(mock.url, nodeOptions)) };
      console.log(`${name}: ${JSON.stringify(results[name])}`);
    }
  });
  const report = { node: process.version, ...results };
  writeFileSync(resolve('tmp/bench/footprint.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

/** STARTS start-restart pairs, then the memory of the last gateway started. */
async function measureVariant(upstreamUrl, nodeOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-footprint-'));
  try {
    const starts = [];
    let memory;
    for (let run = 1; run <= STARTS; run++) {
      rmSync(dataDir, { recursive: true, force: true });
      const { gateway, ...times } = await startTwice(upstreamUrl, dataDir, nodeOptions);
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
