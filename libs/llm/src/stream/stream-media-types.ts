import type { StreamFraming } from '@switchyard/plugin-api';

/**
 * The media types a stream in each framing comes with, the usual one first. An answer of
 * another type to a stream request (a load balancer's HTML error page with a 200) is not a
 * stream the gateway can read.
 */
const STREAM_MEDIA_TYPES: Readonly<Record<StreamFraming, readonly string[]>> = {
  sse: ['text/event-stream'],
  ndjson: ['application/stream+json', 'application/x-ndjson', 'application/jsonl', 'application/json-seq'],
  'json-array': ['application/json'],
  'aws-eventstream': ['application/vnd.amazon.eventstream'],
};

/** Whether a stream in `framing` can come as `mediaType` (lower case, no parameters; `''` when absent, accepted). */
export function isStreamMediaType(framing: StreamFraming, mediaType: string): boolean {
  return mediaType === '' || STREAM_MEDIA_TYPES[framing].includes(mediaType);
}

/** The media type a stream in `framing` usually comes as, for error messages. */
export function usualStreamMediaType(framing: StreamFraming): string {
  return STREAM_MEDIA_TYPES[framing][0]!;
}

/**
 * The framing of a recorded answer from its media type (lower case, no parameters), or `undefined`
 * for one whole document: a JSON body that is an array (`[` first) is Gemini's streamed array.
 */
export function framingOfAnswer(mediaType: string, body: Buffer): StreamFraming | undefined {
  for (const framing of ['sse', 'ndjson', 'aws-eventstream'] as const)
    if (STREAM_MEDIA_TYPES[framing].includes(mediaType)) return framing;
  if (mediaType !== 'application/json' && mediaType !== '') return undefined;
  const first = body.toString('utf8', 0, Math.min(body.length, 64)).trimStart()[0];
  return first === '[' ? 'json-array' : undefined;
}
