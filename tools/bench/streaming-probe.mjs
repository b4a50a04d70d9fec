// The streaming probe (in a process of its own): sends `streams` streaming chat requests,
// `concurrency` at a time, reads each SSE answer as it arrives, and reports per stream the time
// to the first event (OpenAI's role chunk, which the mock sends at once: no pacing timer in it),
// to the first token (the first event with content, one 10 ms pause later), to the last token
// (`[DONE]`), the events received, and how many events reached the client in the same read as
// the one before (events a proxy held back arrive glued to the next one: the mock sends them
// 10 ms apart; a busy client glues a few too, so a handful among thousands is noise, a proxy that
// holds events back glues most of them). The `concurrency` clients start `staggerMs` apart, so that
// streams do not begin in bursts that would queue behind one another in the proxy.
// Input: `{ url, body, headers, streams, concurrency, staggerMs }`.
import { Agent, request } from 'node:http';
import { quantile } from './stats.mjs';
import { runAsTask } from './children.mjs';

const STREAM_TIMEOUT_MS = 10_000;
const round = (ms) => Math.round(ms * 1000) / 1000;

/** One stream: the arrival time (ms after sending) of each event and whether it shared its read. */
function probe(url, payload, headers, agent) {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const arrivals = [];
    let glued = 0;
    let firstToken;
    let pending = '';
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...headers },
        timeout: STREAM_TIMEOUT_MS,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`${url} answered ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        res.on('data', (text) => {
          const at = performance.now() - sentAt;
          const events = (pending + text).split('\n\n');
          pending = events.pop();
          events.forEach((event, index) => {
            if (!event.startsWith('data:')) return;
            if (index > 0) glued += 1;
            arrivals.push(at);
            const data = event.slice(5).trim();
            if (
              firstToken === undefined &&
              data !== '[DONE]' &&
              JSON.parse(data).choices?.[0]?.delta?.content
            )
              firstToken = at;
          });
        });
        res.on('end', () =>
          resolve({ arrivals, glued, firstEvent: arrivals[0], firstToken, lastToken: arrivals.at(-1) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no stream end within ${STREAM_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

await runAsTask(async ({ url, body, headers, streams, concurrency, staggerMs }) => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const payload = JSON.stringify(body);
  const results = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      await new Promise((resolve) => setTimeout(resolve, client * staggerMs));
      while (started < streams) {
        started += 1;
        results.push(await probe(url, payload, headers, agent));
      }
    }),
  );
  agent.destroy();
  const eventCounts = results.map((r) => r.arrivals.length);
  const summary = (values) => ({ p50: round(quantile(values, 0.5)), p99: round(quantile(values, 0.99)) });
  return {
    streams: results.length,
    concurrency,
    eventsPerStream: { min: Math.min(...eventCounts), max: Math.max(...eventCounts) },
    events: eventCounts.reduce((a, b) => a + b, 0),
    gluedEvents: results.reduce((sum, r) => sum + r.glued, 0),
    firstEventMs: summary(results.map((r) => r.firstEvent)),
    ttftMs: summary(results.map((r) => r.firstToken)),
    ttltMs: summary(results.map((r) => r.lastToken)),
  };
});
