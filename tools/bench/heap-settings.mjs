// The apps' V8 heap settings A/B (`npx node tools/bench/heap-settings.mjs`, after `npm run build`;
// about 2 minutes): one standalone gateway per variant of HEAP_MAX_SEMI_SPACE_MB /
// HEAP_GROWING_PERCENT (Node's own defaults, the young generation capped alone, the apps'
// defaults), all started together and loaded in turn at c=32 for ROUNDS rounds (each round
// starting one variant later), so that every variant sees the same machine. Reports per variant
// the median CPU time per request and requests/s over the rounds, and the peak RSS under load and
// VmHWM. Writes tmp/bench/heap-settings.json. `--rounds=N` changes the number of rounds,
// `--variants=8/0,8/50` compares semi-space MiB / growing percent pairs instead.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTask, startService, withStarted } from './children.mjs';
import { startStandalone } from './gateway.mjs';
import { cpuMeter, peakRssSinceStartMb, rssMb, sampleRss } from './proc-stats.mjs';
import { quantile } from './stats.mjs';

const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
/** `--variants=8/0,8/50/2`: semi-space MiB / growing percent [/ glibc's MALLOC_ARENA_MAX] instead. */
const VARIANTS = option('variants')
  ? Object.fromEntries(
      option('variants')
        .split(',')
        .map((pair) => pair.split('/'))
        .map(([semi, growing, arenas]) => [
          [semi, growing, arenas].filter(Boolean).join('/'),
          {
            HEAP_MAX_SEMI_SPACE_MB: semi,
            HEAP_GROWING_PERCENT: growing,
            ...(arenas && { MALLOC_ARENA_MAX: arenas }),
          },
        ]),
    )
  : {
      nodeDefaults: { HEAP_MAX_SEMI_SPACE_MB: '0', HEAP_GROWING_PERCENT: '0' },
      semiSpace8: { HEAP_MAX_SEMI_SPACE_MB: '8', HEAP_GROWING_PERCENT: '0' },
      appDefaults: {},
    };
const ROUNDS = Number(option('rounds') ?? 5);
const LOAD_SECONDS = 5;
const CHAT = { model: 'gpt-4', messages: [{ role: 'user', content: 'What is 1+1?' }] };

/** Starts every variant's gateway in turn, then runs `use` with them all; stops them after. */
async function withGateways(upstreamUrl, use, started = []) {
  const remaining = Object.entries(VARIANTS).slice(started.length);
  if (remaining.length === 0) return use(started);
  const [name, env] = remaining[0];
  return withStarted(
    startStandalone({ upstreamUrl, accessLog: true, name: `heap-${name}`, env }),
    (gateway) => withGateways(upstreamUrl, use, [...started, { name, gateway }]),
  );
}

/** One c=32 load of `gateway`: its CPU time per request, requests/s, peak RSS. */
async function loadOnce(gateway) {
  const rss = sampleRss([gateway.pid]);
  const cpu = cpuMeter({ gateway: [gateway.pid] });
  const load = await runTask('load.mjs', {
    url: gateway.url,
    headers: {},
    body: CHAT,
    connections: 32,
    seconds: LOAD_SECONDS,
  });
  const { seconds } = cpu.stop(load.cpuSeconds);
  return {
    cpuUsPerRequest: Math.round((seconds.gateway / load.ok) * 1e6),
    requestsPerSecond: load.requestsPerSecond,
    peakRssMb: rss.stop().peakMb[gateway.pid],
  };
}

async function compare(gateways) {
  const runs = Object.fromEntries(gateways.map(({ name }) => [name, []]));
  for (const { gateway } of gateways) await loadOnce(gateway); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let step = 0; step < gateways.length; step++) {
      const { name, gateway } = gateways[(round + step) % gateways.length];
      runs[name].push(await loadOnce(gateway));
    }
    console.log(
      `round ${round + 1}/${ROUNDS}: ${JSON.stringify(Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, r.at(-1)])))}`,
    );
  }
  const median = (values) => quantile(values, 0.5);
  return Object.fromEntries(
    gateways.map(({ name, gateway }) => [
      name,
      {
        env: VARIANTS[name],
        cpuUsPerRequest: median(runs[name].map((r) => r.cpuUsPerRequest)),
        cpuUsRange: [
          Math.min(...runs[name].map((r) => r.cpuUsPerRequest)),
          Math.max(...runs[name].map((r) => r.cpuUsPerRequest)),
        ],
        requestsPerSecond: median(runs[name].map((r) => r.requestsPerSecond)),
        peakRssUnderLoadMb: Math.max(...runs[name].map((r) => r.peakRssMb)),
        idleRssAfterMb: rssMb(gateway.pid),
        vmHwmMb: peakRssSinceStartMb(gateway.pid),
      },
    ]),
  );
}

process.chdir(fileURLToPath(new URL('../../', import.meta.url)));
const results = await withStarted(startService('mock-upstream.mjs'), (mock) =>
  withGateways(mock.url, compare),
);
writeFileSync(
  resolve('tmp/bench/heap-settings.json'),
  `${JSON.stringify({ node: process.version, rounds: ROUNDS, results }, null, 2)}\n`,
);
console.table(
  Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      { ...r, env: JSON.stringify(r.env), cpuUsRange: r.cpuUsRange.join('-') },
    ]),
  ),
);
