// The load generator (autocannon, in a process of its own): POSTs one body to one URL over
// `connections` keep-alive connections for `seconds`, and reports the 2xx throughput and the
// latency quantiles of every response (from autocannon's per-response times, in fractional
// milliseconds: its own histogram rounds to whole ones), and the CPU time it used itself.
// Input: `{ url, body, headers, connections, seconds }`.
import autocannon from 'autocannon';
import { quantile } from './stats.mjs';
import { runAsTask } from './children.mjs';

const round = (ms) => Math.round(ms * 1000) / 1000;

await runAsTask(async ({ url, body, headers, connections, seconds }) => {
  const latencies = [];
  const statuses = {};
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    connections,
    duration: seconds,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  // The whole process's CPU, start-up included: the parent's meter spans this process's life.
  const cpu = process.cpuUsage();
  if (latencies.length === 0) throw new Error(`no 2xx answer from ${url}: ${JSON.stringify(statuses)}`);
  return {
    connections,
    seconds: result.duration,
    ok: latencies.length,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: Math.round(latencies.length / result.duration),
    latencyMs: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
});
