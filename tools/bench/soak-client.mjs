// The memory check's client (in a process of its own): `total` chat requests over `concurrency`
// keep-alive connections, a fixed mix by request number: out of every 20, 14 non-stream, 5 streams
// read to the end, and 1 stream abandoned after its first chunk (the socket is destroyed, as a
// client that goes away does). Reports progress every second and stops at `total` or `deadlineMs`.
// Input: `{ url, total, concurrency, deadlineMs, chat, streamChat }`.
import { Agent, request } from 'node:http';
import { reply, runAsTask } from './children.mjs';

const REQUEST_TIMEOUT_MS = 10_000;

function kindOf(number) {
  const slot = number % 20;
  return slot < 14 ? 'json' : slot < 19 ? 'stream' : 'abort';
}

/** One request; resolves with its outcome (`ok`, `aborted` or `failed`), never rejects. */
function send(url, agent, kind, payloads) {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          res.on('end', () => resolve('failed'));
          return;
        }
        if (kind === 'abort') {
          res.once('data', () => {
            req.destroy();
            resolve('aborted');
          });
          return;
        }
        res.resume();
        res.on('end', () => resolve('ok'));
        res.on('error', () => resolve('failed'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(kind === 'abort' ? 'aborted' : 'failed'));
    req.end(kind === 'json' ? payloads.json : payloads.stream);
  });
}

await runAsTask(async ({ url, total, concurrency, deadlineMs, chat, streamChat }) => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const payloads = { json: JSON.stringify(chat), stream: JSON.stringify(streamChat) };
  const counts = { done: 0, ok: 0, aborted: 0, failed: 0 };
  const startedAt = Date.now();
  const deadline = startedAt + deadlineMs;
  const progress = setInterval(() => void reply({ progress: { ...counts } }), 1_000);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && Date.now() < deadline) {
        const outcome = await send(url, agent, kindOf(next++), payloads);
        counts[outcome] += 1;
        counts.done += 1;
      }
    }),
  );
  clearInterval(progress);
  agent.destroy();
  return { ...counts, seconds: Math.round((Date.now() - startedAt) / 100) / 10 };
});
