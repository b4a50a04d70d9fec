import type {
  AnswerSummary,
  BufferedRouteTranslation,
  ClientFormat,
  ProviderDriver,
  ProviderRequest,
  RouteTranslation,
  StreamFraming,
  StreamStep,
} from '@switchyard/plugin-api';
import { createFrameParser } from '../stream/create-frame-parser.js';
import { framingOfAnswer } from '../stream/stream-media-types.js';

/** The route types whose native entries may read a preserved stream, the likeliest first. */
const STREAMED_ROUTE_TYPES = ['llm/v1/chat', 'llm/v1/completions'] as const;

/**
 * The driver's entry that reads its native answers of one route type: its own API's
 * (`nativeFormat`), else its OpenAI entry (whose translations read native answers too).
 */
function nativeEntry<T>(
  entries: Readonly<Partial<Record<ClientFormat, T>>> | undefined,
  driver: ProviderDriver,
) {
  return entries?.[driver.nativeFormat ?? 'openai'] ?? entries?.openai;
}

/** The entries that read a driver's native streams: chat, then completions. */
function streamReaders(driver: ProviderDriver): RouteTranslation[] {
  return STREAMED_ROUTE_TYPES.map((routeType) => nativeEntry(driver.routes[routeType], driver)).filter(
    (entry): entry is RouteTranslation => entry !== undefined,
  );
}

/** The entries that read a driver's whole native answers: chat, completions, then embeddings. */
function answerReaders(driver: ProviderDriver): BufferedRouteTranslation[] {
  return [...streamReaders(driver), nativeEntry(driver.routes['llm/v1/embeddings'], driver)].filter(
    (entry): entry is BufferedRouteTranslation => entry !== undefined,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Usage and model of an answer in OpenAI's shape (anything no native entry reads). */
function openAiShapedSummary(answer: unknown): AnswerSummary {
  if (!isRecord(answer)) return {};
  const usage = isRecord(answer.usage) ? answer.usage : undefined;
  return {
    usage: {
      ...(typeof usage?.prompt_tokens === 'number' && { prompt_tokens: usage.prompt_tokens }),
      ...(typeof usage?.completion_tokens === 'number' && { completion_tokens: usage.completion_tokens }),
    },
    ...(typeof answer.model === 'string' && { model: answer.model }),
  };
}

/** What the gateway learns of a preserved answer: one summary, or a stream's steps. */
export type PreservedReading =
  | { readonly kind: 'whole'; readonly summary: AnswerSummary }
  | { readonly kind: 'stream'; readonly steps: readonly StreamStep[] };

/**
 * Reads an answer a `preserve` route passed through untouched (whole, or the stream as it went
 * by), for usage and analytics, with the driver's own entries for its native API (chat first,
 * then completions, then embeddings for whole answers; the first that counts tokens): the
 * summary an entry reads of a whole answer (OpenAI's `usage` shape when none does), or the steps
 * its stream reader reads of each frame, cut in the framing the media type names. What cannot be
 * read counts nothing.
 */
export function readPreservedAnswer(
  driver: ProviderDriver | undefined,
  request: ProviderRequest,
  mediaType: string,
  body: Buffer,
): PreservedReading | undefined {
  const framing = framingOfAnswer(mediaType, body);
  if (framing) {
    const streamed = { ...request, stream: true };
    const readings = (driver ? streamReaders(driver) : []).map((entry) =>
      readStream(entry, streamed, framing, body),
    );
    const steps = readings.find((candidate) => candidate.some((step) => counts(step.usage))) ?? readings[0];
    return steps && { kind: 'stream', steps };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const summaries = (driver ? answerReaders(driver) : []).flatMap((entry) => {
    try {
      return [entry.response(answer, request)];
    } catch {
      // Not an answer of this route type: the next entry, or OpenAI's shape.
      return [];
    }
  });
  const summary = summaries.find((candidate) => counts(candidate.usage)) ?? openAiShapedSummary(answer);
  return { kind: 'whole', summary };
}

/**
 * Whether a reading counted tokens: an entry for another route type (a chat reader given a
 * completions answer) reads none, or zeros.
 */
function counts(usage: AnswerSummary['usage']): boolean {
  return (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0) > 0;
}

/**
 * A recorded stream's frames (cut in the framing its media type names), each read by a new
 * native stream reader; unreadable frames are skipped.
 */
function readStream(
  entry: RouteTranslation,
  request: ProviderRequest,
  framing: StreamFraming,
  body: Buffer,
): StreamStep[] {
  const reader = entry.stream(request);
  const parser = createFrameParser(framing);
  const steps: StreamStep[] = [];
  let frames;
  try {
    frames = [...parser.push(body), ...parser.end()];
  } catch {
    return steps;
  }
  for (const frame of frames) {
    try {
      steps.push(reader.translate(frame));
    } catch {
      // A frame the reader does not know (a comment, another API's event): it counts nothing.
    }
  }
  const closing = reader.end?.();
  if (closing) steps.push(closing);
  return steps;
}
