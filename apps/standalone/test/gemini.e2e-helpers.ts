import OpenAI from 'openai';
import { expect } from 'vitest';
import { curlData, waitUntilServed, type StandaloneGateway } from '@switchyard/testing';

/** What the Gemini e2e suites (Gemini API and Vertex AI) ask, and what the mock answers. */
export const GEMINI_MODEL = 'gemini-2.0-flash';
export const SYSTEM = 'You are a mathematician.';
export const QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: 'What is 1 + 1?' },
];
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the mock's default reply is 8 words.
export const PROMPT_TOKENS = 9;
export const REPLY_TOKENS = 8;
export const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
        },
        required: ['city'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
    },
  },
];
/** The functionDeclarations Gemini gets for {@link TOOLS}: the strict schema in Gemini's subset. */
export const FUNCTION_DECLARATIONS = [
  {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', nullable: true, enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
    },
  },
  { name: 'get_time', parameters: TOOLS[1].function.parameters },
];
export const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
export const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
/** The image parts of a question with a base64 image and a linked one, and what Gemini gets for them. */
export const IMAGE_QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Compare these.' },
      { type: 'image_url', image_url: { url: PIXEL, detail: 'low' } },
      { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } },
    ],
  },
];
export const IMAGE_PARTS = [
  { text: 'Compare these.' },
  { inlineData: { mimeType: 'image/png', data: PIXEL.split(',')[1] } },
  { fileData: { fileUri: 'https://example.test/cat.png', mimeType: 'image/png' } },
];

/**
 * Creates, through the Admin API, a route `/<name>` on the service `llm` and its `ai-proxy`
 * plugin for Gemini with `config` merged over a chat config of {@link GEMINI_MODEL}, and waits
 * until the proxy serves it.
 */
export async function addGeminiRoute(
  gateway: StandaloneGateway,
  name: string,
  config: Record<string, unknown>,
): Promise<void> {
  const route = await gateway.admin.form(
    'POST',
    '/services/llm/routes',
    curlData(`name=${name}`, `paths[]=/${name}`),
  );
  expect(route.status, route.text).toBe(201);
  const { model, ...rest } = config as { model?: Record<string, unknown> };
  const plugin = await gateway.admin.json('POST', `/routes/${name}/plugins`, {
    name: 'ai-proxy',
    config: {
      route_type: 'llm/v1/chat',
      ...rest,
      model: { provider: 'gemini', name: GEMINI_MODEL, ...model },
    },
  });
  expect(plugin.status, plugin.text).toBe(201);
  await waitUntilServed(gateway.proxyUrl, `/${name}`);
}

/** An openai client of the route `/<name>` (the gateway holds the provider credential; the client's key is its own). */
export function openAiClient(gateway: StandaloneGateway, name: string): OpenAI {
  return new OpenAI({ baseURL: `${gateway.proxyUrl}/${name}`, apiKey: 'client-key', maxRetries: 0 });
}

/** Every chunk of a stream, and the error that ended it, if any. */
export async function collect(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
): Promise<{ chunks: OpenAI.ChatCompletionChunk[]; error: unknown }> {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

/** The text a stream's chunks carry. */
export function streamedText(chunks: readonly OpenAI.ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

/** The value of one Prometheus series on the gateway's `/metrics` (0 when absent). */
export async function metric(gateway: StandaloneGateway, series: string): Promise<number> {
  const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
  const row = text.split('\n').find((line) => line.startsWith(`${series} `));
  return row ? Number(row.slice(series.length + 1)) : 0;
}

/** The first Prometheus series on `/metrics` whose name starts `prefix` and that has every label in `labels` (0 when absent). */
export async function metricWith(
  gateway: StandaloneGateway,
  prefix: string,
  labels: readonly string[],
): Promise<number> {
  const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
  const row = text
    .split('\n')
    .find((line) => line.startsWith(`${prefix}{`) && labels.every((label) => line.includes(label)));
  return row ? Number(row.slice(row.lastIndexOf(' ') + 1)) : 0;
}

/** The access log line of the request to `path`, once it is written. */
export async function accessLineOf(
  gateway: StandaloneGateway,
  path: string,
): Promise<Record<string, unknown>> {
  let line: Record<string, unknown> | undefined;
  await expect
    .poll(() => (line = gateway.accessLog().find((entry) => entry['path'] === path)), { timeout: 3000 })
    .toBeDefined();
  return line!;
}
