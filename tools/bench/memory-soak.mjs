// The memory check (`npm run bench -- --memory`): 200k requests through a standalone gateway
// (access log on), mixed non-stream / stream / abandoned mid-stream (see soak-client.mjs), with the
// gateway's RSS sampled every second against the number of requests done (peak, end, idle after).
// Growth is judged on the live heap and the RSS right after a full GC (heap-probe-preload.mjs),
// taken before the load, after the warm-up (the first 10%), halfway, at the end and once idle:
// that tells a leak from a heap V8 has not given back yet. Writes tmp/bench/memory.json.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runTask, startService, withStarted } from './children.mjs';
import { startStandalone } from './gateway.mjs';
import { rssMb } from './proc-stats.mjs';

const TOTAL = 200_000;
const WARMUP_SHARE = 0.1;
const CONCURRENCY = 32;
const DEADLINE_MS = 270_000;
const IDLE_AFTER_MS = 5_000;
/** Short, fast streams, so that 200k requests fit in a few minutes and aborts land mid-stream. */
const MOCK_BEHAVIOUR = { eventCount: 16, eventIntervalMs: 2 };
const CHAT = { model: 'gpt-4', messages: [{ role: 'user', content: 'What is 1+1?' }] };

const round1 = (mb) => Math.round(mb * 10) / 10;

/** Has the gateway's heap probe collect garbage and report; resolves with its report (labelled). */
async function probeHeap(gateway, reportFile, label, done) {
  const lines = () =>
    existsSync(reportFile) ? readFileSync(reportFile, 'utf8').trim().split('\n').filter(Boolean) : [];
  const before = lines().length;
  process.kill(gateway.pid, 'SIGUSR2');
  for (let waited = 0; waited < 10_000; waited += 50) {
    const after = lines();
    if (after.length > before) return { label, done, ...JSON.parse(after.at(-1)) };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the gateway's heap probe did not report (${label}) within 10 s`);
}

export async function runMemorySoak() {
  const heapReport = resolve('tmp/bench/heap-probe.jsonl');
  rmSync(heapReport, { force: true });
  const env = {
    NODE_OPTIONS: `--import=${resolve('tools/bench/heap-probe-preload.mjs')}`,
    BENCH_HEAP_REPORT: heapReport,
  };
  await withStarted(startService('mock-upstream.mjs', { behaviour: MOCK_BEHAVIOUR }), (mock) =>
    withStarted(
      startStandalone({ upstreamUrl: mock.url, accessLog: true, name: 'gateway-memory', env }),
      (gateway) => soak(gateway, heapReport),
    ),
  );
}

/** The soak itself, against a started gateway: load, samples, heap probes, report. */
async function soak(gateway, heapReport) {
  const idleBeforeMb = rssMb(gateway.pid);
  const heapProbes = [];
  // Awaited together later; a failure must not be an unhandled rejection meanwhile.
  const probe = (label, done) => {
    const report = probeHeap(gateway, heapReport, label, done);
    report.catch(() => undefined);
    heapProbes.push(report);
    return report;
  };
  await probe('idle before', 0);
  const probeAt = [
    ['after warm-up', TOTAL * WARMUP_SHARE],
    ['halfway', TOTAL / 2],
  ];
  const samples = [];
  const counts = await runTask(
    'soak-client.mjs',
    {
      url: gateway.url,
      total: TOTAL,
      concurrency: CONCURRENCY,
      deadlineMs: DEADLINE_MS,
      chat: CHAT,
      streamChat: { ...CHAT, stream: true, stream_options: { include_usage: true } },
    },
    {
      timeoutMs: DEADLINE_MS + 30_000,
      onProgress: (progress) => {
        samples.push({ done: progress.done, rssMb: rssMb(gateway.pid) });
        if (probeAt.length > 0 && progress.done >= probeAt[0][1]) {
          probe(probeAt.shift()[0], progress.done);
        }
        if (samples.length % 10 === 0)
          console.log(`memory check: ${progress.done} requests, RSS ${samples.at(-1).rssMb} MB`);
      },
    },
  );
  samples.push({ done: counts.done, rssMb: rssMb(gateway.pid) });
  await Promise.all(heapProbes);
  await probe('end', counts.done);
  await new Promise((r) => setTimeout(r, IDLE_AFTER_MS));
  const idleAfterMb = rssMb(gateway.pid);
  await probe('idle after', counts.done);
  const heap = await Promise.all(heapProbes);
  const at = (label) => heap.find((report) => report.label === label);
  const growth = (field) => round1(at('end')[field] - at('after warm-up')[field]);
  const result = {
    requests: counts,
    mock: MOCK_BEHAVIOUR,
    concurrency: CONCURRENCY,
    sampledRssMb: {
      idleBefore: idleBeforeMb,
      peak: Math.max(...samples.map((s) => s.rssMb)),
      end: samples.at(-1).rssMb,
      idleAfter: idleAfterMb,
    },
    afterFullGc: heap,
    growthAfterWarmupMb: { liveHeap: growth('liveHeapMb'), rss: growth('rssMb') },
    accessLogBytes: statSync(gateway.logFile).size,
    samples,
  };
  writeFileSync('tmp/bench/memory.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `${counts.done} requests in ${counts.seconds} s: ${counts.ok} complete, ${counts.aborted} abandoned mid-stream, ${counts.failed} failed`,
  );
  console.log(`sampled RSS (MB): ${JSON.stringify(result.sampledRssMb)}`);
  console.table(heap);
  console.log(
    `growth after warm-up (after full GC): live heap ${result.growthAfterWarmupMb.liveHeap} MB, RSS ${result.growthAfterWarmupMb.rss} MB`,
  );
  console.log('Written: tmp/bench/memory.json');
}
