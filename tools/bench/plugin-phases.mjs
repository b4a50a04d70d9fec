// Plugin phases driven in one process, as the proxy drives them for a buffered answer: what
// `--balancer-cost` and `--plugin-phase-cost` measure, apart from HTTP.
import { buildRequestContext } from '@switchyard/testing';

/** The client's chat, as `npm run bench` sends it. */
export const CHAT = {
  model: 'gpt-4',
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};

/** OpenAI's answer to it, as the upstream sends it. */
export const OPENAI_ANSWER = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4-0613',
    choices: [{ index: 0, message: { role: 'assistant', content: '1 + 1 = 2.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 },
  }),
);

/** One request through `handlers` (priority order): access, the buffered answer, log. */
async function oneRequest(handlers, body, answer) {
  const ctx = buildRequestContext({ body });
  for (const handler of handlers) await handler.access?.(ctx);
  ctx.timings.upstreamStart = performance.now();
  const response = { status: 200, headers: { 'content-type': 'application/json' }, body: answer };
  for (const handler of handlers) await handler.bufferedResponse?.(ctx, response);
  ctx.status = response.status;
  ctx.timings.end = performance.now();
  for (const handler of handlers) handler.log?.(ctx);
}

/** Process CPU µs per request over `requests` requests through `handlers`. */
export async function cpuPerRequest(handlers, requests, body = CHAT, answer = OPENAI_ANSWER) {
  const before = process.cpuUsage();
  for (let index = 0; index < requests; index += 1) await oneRequest(handlers, body, answer);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
