// The benchmark's report: one table of every figure per target with its ratio to the baseline
// of the same run, the targets from the issue (reported, never asserted), the worker
// comparison and the profile summary, printed as Markdown and written to tmp/bench/.
import { mkdirSync, writeFileSync } from 'node:fs';

const COLUMNS = [
  ['direct', 'direct (mock)'],
  ['baseline', 'baseline'],
  ['gateway', 'gateway'],
  ['gatewayNoAccessLog', 'gateway, ACCESS_LOG=false'],
  ['gatewayTraced', 'gateway, traced'],
  ['gatewayTracedSampled10', 'gateway, traced, 10% sampled'],
];
/** The traced gateways, compared with the gateway (access log on, as theirs) in "Tracing cost". */
const TRACED = COLUMNS.filter(([key]) => key.startsWith('gatewayTraced'));

const fixed = (digits) => (value) =>
  value === undefined || value === null || Number.isNaN(value) ? '' : value.toFixed(digits);
const ms = fixed(2);
const integer = fixed(0);

/** The figures of one target; the "added" ones are differences with the direct measurement. */
function figures(target, direct) {
  const isDirect = target === direct;
  const added = (pick) => (isDirect ? undefined : pick(target) - pick(direct));
  const { stream, c32 } = target;
  return {
    'req/s, c=32': [integer, c32.requestsPerSecond],
    'latency p50, c=1 (ms)': [ms, target.c1.latencyMs.p50],
    'latency p99, c=1 (ms)': [ms, target.c1.latencyMs.p99],
    'latency p50, c=32 (ms)': [ms, c32.latencyMs.p50],
    'latency p99, c=32 (ms)': [ms, c32.latencyMs.p99],
    'added p50 over direct, c=1 (ms)': [ms, added((t) => t.c1.latencyMs.p50)],
    'added p99 over direct, c=1 (ms)': [ms, added((t) => t.c1.latencyMs.p99)],
    'added p50 over direct, c=32 (ms)': [ms, added((t) => t.c32.latencyMs.p50)],
    'stream first event p50 (ms)': [ms, stream.firstEventMs.p50],
    'stream added first event p50 (ms)': [ms, added((t) => t.stream.firstEventMs.p50)],
    'stream TTFT p50 (ms)': [ms, stream.ttftMs.p50],
    'stream added TTFT p50 (ms)': [ms, added((t) => t.stream.ttftMs.p50)],
    'stream added TTFT p99 (ms)': [ms, added((t) => t.stream.ttftMs.p99)],
    'stream TTLT p50 (ms)': [ms, stream.ttltMs.p50],
    'stream added TTLT p50 (ms)': [ms, added((t) => t.stream.ttltMs.p50)],
    'stream events per stream': [integer, stream.eventsPerStream.min],
    'stream events received, all streams': [integer, stream.events],
    'stream events glued to the previous one': [integer, stream.gluedEvents],
    'RSS of the process under test before the load (MB)': [fixed(1), target.idleRssMb],
    'peak RSS of the process under test under load (MB)': [fixed(1), target.peakRssMb],
    'peak RSS since start, VmHWM (MB)': [fixed(1), target.peakRssSinceStartMb],
    'CPU per request of the process under test, c=32 (µs)': [integer, c32.cpu.targetUsPerRequest],
    'process under test CPU, c=32 (% of a core)': [integer, c32.cpu.targetPctOfCore],
    'mock CPU, c=32 (% of a core)': [integer, c32.cpu.mockPctOfCore],
    'load generator CPU, c=32 (% of a core)': [integer, c32.cpu.loadGeneratorPctOfCore],
    'other processes CPU, c=32 (% of a core)': [integer, c32.cpu.otherPctOfCore],
    'machine busy, c=32 (% of all cores)': [integer, c32.cpu.machineBusyPct],
  };
}

function markdownTable(header, rows) {
  const lines = [header, header.map(() => '---'), ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function ratio(value, base) {
  return value === undefined || base === undefined || base <= 0 ? '' : `${(value / base).toFixed(2)}x`;
}

/** The main table: one row per figure, one column per target, then the gateway/baseline ratios. */
function mainTable(targets) {
  const present = COLUMNS.filter(([key]) => targets[key]);
  const all = Object.fromEntries(present.map(([key]) => [key, figures(targets[key], targets.direct)]));
  const gateways = present.filter(([key]) => key.startsWith('gateway'));
  const header = [
    'figure',
    ...present.map(([, label]) => label),
    ...gateways.map(([, label]) => `${label} / baseline`),
  ];
  const rows = Object.keys(all.direct).map((name) => [
    name,
    ...present.map(([key]) => {
      const [format, value] = all[key][name];
      return format(value);
    }),
    ...gateways.map(([key]) => ratio(all[key][name][1], all.baseline[name][1])),
  ]);
  return markdownTable(header, rows);
}

/**
 * What tracing costs: each traced gateway against the gateway with the same access log and no
 * tracing, and what its collector received (proof that spans really left the process).
 */
function tracingTable(targets) {
  const { gateway } = targets;
  const present = TRACED.filter(([key]) => targets[key]);
  const signed = (format) => (value) => {
    const text = format(value);
    return text && value > 0 ? `+${text}` : text;
  };
  const rows = present.map(([key, label]) => {
    const traced = targets[key];
    const sink = traced.otlpSink;
    const sampler = traced.tracing.OTEL_TRACES_SAMPLER
      ? `${traced.tracing.OTEL_TRACES_SAMPLER} ${traced.tracing.OTEL_TRACES_SAMPLER_ARG}`
      : 'default (parentbased_always_on)';
    return [
      label,
      sampler,
      integer(traced.c32.requestsPerSecond),
      ratio(traced.c32.requestsPerSecond, gateway.c32.requestsPerSecond),
      integer(traced.c32.cpu.targetUsPerRequest),
      signed(integer)(traced.c32.cpu.targetUsPerRequest - gateway.c32.cpu.targetUsPerRequest),
      signed(ms)(traced.c1.latencyMs.p50 - gateway.c1.latencyMs.p50),
      signed(ms)(traced.c32.latencyMs.p99 - gateway.c32.latencyMs.p99),
      signed(ms)(traced.stream.ttftMs.p50 - gateway.stream.ttftMs.p50),
      signed(fixed(1))(traced.peakRssMb - gateway.peakRssMb),
      integer(sink.exports),
      integer(sink.bytes),
      integer(sink.spans),
      fixed(2)(sink.spans / traced.requestsAnswered),
      sink.spans > 0 ? integer(sink.bytes / sink.spans) : '',
    ];
  });
  const header = [
    'target',
    'sampler',
    'req/s, c=32',
    'vs gateway',
    'CPU per request (µs)',
    'added CPU per request (µs)',
    'added p50, c=1 (ms)',
    'added p99, c=32 (ms)',
    'added TTFT p50 (ms)',
    'added peak RSS (MB)',
    'export requests',
    'bytes exported',
    'spans exported',
    'spans per request answered',
    'bytes per span',
  ];
  const intro = [
    `Reference: the gateway with the access log on and no tracing (${integer(gateway.c32.requestsPerSecond)} req/s,`,
    `${integer(gateway.c32.cpu.targetUsPerRequest)} µs CPU per request). Traced: OTEL_EXPORTER_OTLP_ENDPOINT`,
    'set, everything else default (OTLP/HTTP protobuf, batch processor: 5 s delay, queue 2048, batches of 512),',
    'exporting to a no-op collector in a process of its own (its CPU counts as "other processes").',
    'A fully sampled request makes 2 spans (server + upstream client); fewer per request answered means',
    'the batch processor dropped spans (queue full); the few admin and set-up requests add a handful.',
    'The collector counts are read after the gateway stopped.',
  ].join(' ');
  return `${intro}

${markdownTable(header, rows)}`;
}

/**
 * Issue 16's targets that this run measures, each with the measured value and whether it is met.
 * (The Anthropic route's CPU ratio is measured in one process: `tools/bench/proxy-cpu.mjs
 * --provider=anthropic`; the standalone's start time by `--footprint`.)
 */
function targetChecks(targets, worker) {
  const { direct, baseline, gateway, gatewayNoAccessLog: noLog } = targets;
  const cpuRatio = gateway.c32.cpu.targetUsPerRequest / baseline.c32.cpu.targetUsPerRequest;
  const throughput = (target) => target.c32.requestsPerSecond / baseline.c32.requestsPerSecond;
  const added = (pick) => pick(gateway) - pick(direct);
  const addedP50 = added((target) => target.c1.latencyMs.p50);
  const ttftP50 = added((target) => target.stream.ttftMs.p50);
  const ttftP99 = added((target) => target.stream.ttftMs.p99);
  const workerPeak = worker.workerPeakRssMb[0];
  const checks = [
    ['CPU per request <= 1.2x baseline at c=32 (access log on)', `${cpuRatio.toFixed(2)}x`, cpuRatio <= 1.2],
    [
      'throughput >= 0.85x baseline at c=32',
      `${throughput(gateway).toFixed(2)}x`,
      throughput(gateway) >= 0.85,
    ],
    ...(noLog
      ? [
          [
            'throughput >= 0.95x baseline at c=32, access log off',
            `${throughput(noLog).toFixed(2)}x`,
            throughput(noLog) >= 0.95,
          ],
        ]
      : []),
    ['added latency p50 at c=1 < 0.2 ms', `${ms(addedP50)} ms`, addedP50 < 0.2],
    ['streaming added TTFT p50 < 0.5 ms', `${ms(ttftP50)} ms`, ttftP50 < 0.5],
    ['streaming added TTFT p99 < 2 ms', `${ms(ttftP99)} ms`, ttftP99 < 2],
    [
      'no stream event held back',
      `${gateway.stream.gluedEvents} of ${gateway.stream.events} events glued; ${gateway.stream.eventsPerStream.min}/${direct.stream.eventsPerStream.min} events per stream`,
      gateway.stream.gluedEvents < 0.01 * gateway.stream.events &&
        gateway.stream.eventsPerStream.min === direct.stream.eventsPerStream.min,
    ],
    ['standalone RSS < 150 MB idle', `${gateway.idleRssMb} MB`, gateway.idleRssMb < 150],
    ['standalone RSS < 250 MB under load', `${gateway.peakRssMb} MB`, gateway.peakRssMb < 250],
    [
      'standalone peak (VmHWM) < 300 MB',
      `${gateway.peakRssSinceStartMb} MB`,
      gateway.peakRssSinceStartMb < 300,
    ],
    [
      'proxy worker RSS < 150 MB under load (1 worker, default settings)',
      `${workerPeak} MB`,
      workerPeak < 150,
    ],
  ];
  return markdownTable(
    ['target', 'measured', 'met'],
    checks.map(([name, value, met]) => [name, value, met ? 'yes' : 'no']),
  );
}

function workersTable(workers) {
  const rows = workers.map((w) => [
    String(w.workers),
    w.env ? `\`${w.env}\`` : '',
    integer(w.c32.requestsPerSecond),
    ratio(w.c32.requestsPerSecond, workers[0].c32.requestsPerSecond),
    ms(w.c32.latencyMs.p50),
    ms(w.c32.latencyMs.p99),
    w.workerPeakRssMb.map((mb) => mb.toFixed(1)).join(', '),
    integer(w.c32.cpu.targetPctOfCore),
    integer(w.c32.cpu.targetUsPerRequest),
    integer(w.c32.cpu.mockPctOfCore),
    integer(w.c32.cpu.loadGeneratorPctOfCore),
    integer(w.c32.cpu.machineBusyPct),
  ]);
  const header = [
    'PROXY_WORKERS',
    'environment',
    'req/s, c=32',
    'vs 1 worker',
    'p50 (ms)',
    'p99 (ms)',
    'peak RSS per worker (MB)',
    'proxy CPU (% of a core)',
    'proxy CPU per request (µs)',
    'mock CPU (%)',
    'load generator CPU (%)',
    'machine busy (%)',
  ];
  return markdownTable(header, rows);
}

/** Microseconds of main-thread time per request, from a profile's milliseconds. */
function perRequest(profile, entry) {
  return entry === undefined ? undefined : (entry.ms * 1000) / profile.requests;
}

/** The gateway's profile next to the baseline's, per request: by area, by function, and its own code. */
function profileTables({ gateway, baseline }) {
  const find = (list, key) => list.find((entry) => key(entry));
  const busy = (p) =>
    `${p.requestsPerSecond} req/s, ${integer((p.busyMs * 1000) / p.requests)} µs busy per request`;
  const areaNames = [
    ...new Set([...gateway.byArea.slice(0, 15), ...baseline.byArea.slice(0, 8)].map((a) => a.area)),
  ];
  const areas = markdownTable(
    ['area', 'gateway µs/request', 'baseline µs/request', 'gateway % of busy'],
    areaNames.map((area) => {
      const own = find(gateway.byArea, (a) => a.area === area);
      return [
        area,
        fixed(1)(perRequest(gateway, own)),
        fixed(1)(
          perRequest(
            baseline,
            find(baseline.byArea, (a) => a.area === area),
          ),
        ),
        fixed(1)(own?.pct),
      ];
    }),
  );
  const functions = markdownTable(
    ['function', 'location', 'gateway µs/request', 'baseline µs/request', 'gateway % of busy'],
    gateway.topFunctions.slice(0, 25).map((f) => [
      f.function,
      f.location || (f.function.startsWith('(') ? '' : `native, called from ${f.area}`),
      fixed(1)(perRequest(gateway, f)),
      fixed(1)(
        perRequest(
          baseline,
          find(
            baseline.topFunctions,
            (b) => b.function === f.function && b.location === f.location && b.area === f.area,
          ),
        ),
      ),
      fixed(1)(f.pct),
    ]),
  );
  const own = markdownTable(
    ['function', 'location', 'µs/request', '% of busy'],
    gateway.ownFunctionsByTotal
      .slice(0, 15)
      .map((f) => [f.function, f.location, fixed(1)(perRequest(gateway, f)), fixed(1)(f.pct)]),
  );
  return [
    `Main-thread samples over the c=32 load. Gateway: ${busy(gateway)}; baseline: ${busy(baseline)}.`,
    `Self time by area:\n\n${areas}`,
    `The gateway's top self-time functions:\n\n${functions}`,
    `The gateway's own functions (libs/, apps/) by total time, self + callees:\n\n${own}`,
  ].join('\n\n');
}

/** Prints the report and writes `tmp/bench/results.json` (every figure) and `results.md` (the tables). */
export function writeReport(results) {
  const { machine, settings } = results;
  const sections = [
    `# Switchyard proxy benchmark`,
    [
      `${machine.cpus} CPUs, Node ${machine.node}, ${settings.loadTool};`,
      `load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')};`,
      `${results.durationSeconds} s, of which ${results.waitedForQuietSeconds} s waiting for a quiet machine.`,
      'Direct = the mock upstream alone; every target gets the same load from a separate process.',
    ].join(' '),
    mainTable(results.targets),
    ...(TRACED.some(([key]) => results.targets[key])
      ? [`## Tracing cost (standalone gateway, access log on)\n\n${tracingTable(results.targets)}`]
      : []),
    `## Targets (reported, not asserted)\n\n${targetChecks(results.targets, results.workers[0])}`,
    `## Proxy app: PROXY_WORKERS and V8 heap settings (same load, access log on)\n\n${workersTable(results.workers)}`,
    `## CPU profiles at c=32, non-stream (access log on)\n\n${profileTables(results.profile)}`,
  ];
  const markdown = `${sections.join('\n\n')}\n`;
  console.log(`\n${markdown}`);
  mkdirSync('tmp/bench', { recursive: true });
  writeFileSync('tmp/bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync('tmp/bench/results.md', markdown);
  console.log('Written: tmp/bench/results.json, tmp/bench/results.md');
}
