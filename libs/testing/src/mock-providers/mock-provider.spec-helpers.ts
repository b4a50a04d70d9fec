import { MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

/** `Authorization: Bearer <the default mock key>`, as OpenAI and Cohere expect it. */
export const BEARER_AUTH = { authorization: `Bearer ${MOCK_PROVIDER_API_KEY}` } as const;

/** POSTs a JSON body with plain `fetch`, to see the wire as a gateway's upstream client does. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

/** The `data:` payloads of an SSE body, in order, with the check that every event is `data: ...` and a blank line. */
export function sseData(text: string): string[] {
  if (!text.endsWith('\n\n'))
    throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((event) => {
      if (!event.startsWith('data: ') || event.includes('\n'))
        throw new Error(`not a single-line data event: ${event}`);
      return event.slice('data: '.length);
    });
}

/** Every line of an NDJSON body parsed (each line must be one JSON value; the body ends with a newline). */
export function ndjsonLines(text: string): Array<Record<string, unknown>> {
  if (!text.endsWith('\n')) throw new Error('NDJSON body does not end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
