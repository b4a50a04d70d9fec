import type {
  AnswerSummary,
  ClientBody,
  LlmRouteType,
  ProviderRequest,
  StreamStep,
  TraceAttributeValue,
  UpstreamCallTrace,
} from '@switchyard/plugin-api';

/** `gen_ai.operation.name` per route type. */
const OPERATION_NAMES: Readonly<Record<LlmRouteType, string>> = {
  'llm/v1/chat': 'chat',
  'llm/v1/completions': 'text_completion',
  'llm/v1/embeddings': 'embeddings',
  // OpenTelemetry's GenAI conventions name the Responses API's operation `chat` too.
  'llm/v1/responses': 'chat',
};

/** OpenAI body field → GenAI request attribute, for the numeric parameters. */
const NUMERIC_PARAMETERS: readonly (readonly [string, string])[] = [
  ['temperature', 'gen_ai.request.temperature'],
  ['top_p', 'gen_ai.request.top_p'],
  ['top_k', 'gen_ai.request.top_k'],
  ['frequency_penalty', 'gen_ai.request.frequency_penalty'],
  ['presence_penalty', 'gen_ai.request.presence_penalty'],
  ['seed', 'gen_ai.request.seed'],
];

function setIfNumber(attributes: Record<string, TraceAttributeValue>, name: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) attributes[name] = value;
}

function setIfText(attributes: Record<string, TraceAttributeValue>, name: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') attributes[name] = value;
}

/** The stop sequences of an OpenAI body (`stop`: a string or a list). */
function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) {
    const sequences = stop.filter((item): item is string => typeof item === 'string');
    return sequences.length > 0 ? sequences : undefined;
  }
  return undefined;
}

/**
 * Names the upstream call's span `{operation} {model}` and records the request's GenAI
 * attributes: what is asked of which provider and model, with the parameters the provider gets
 * (the client's body after the configured options were applied).
 */
export function describeLlmRequest(
  trace: UpstreamCallTrace,
  /** The provider's `gen_ai.provider.name` (its driver's `telemetryName`). */
  providerName: string,
  request: ProviderRequest,
  body: ClientBody,
): void {
  const operation = OPERATION_NAMES[request.routeType];
  const model = request.model.name;
  trace.name = `${operation} ${model}`;
  const attributes = trace.attributes;
  attributes['gen_ai.operation.name'] = operation;
  attributes['gen_ai.provider.name'] = providerName;
  attributes['gen_ai.request.model'] = model;
  attributes['gen_ai.request.stream'] = request.stream;
  setIfNumber(
    attributes,
    'gen_ai.request.max_tokens',
    body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens,
  );
  for (const [field, name] of NUMERIC_PARAMETERS) setIfNumber(attributes, name, body[field]);
  if (typeof body.n === 'number' && body.n !== 1) attributes['gen_ai.request.choice.count'] = body.n;
  const stop = stopSequences(body.stop);
  if (stop) attributes['gen_ai.request.stop_sequences'] = stop;
  if (request.encodingFormat) attributes['gen_ai.request.encoding_formats'] = [request.encodingFormat];
  setIfNumber(attributes, 'gen_ai.embeddings.dimension.count', body.dimensions);
}

/** The provider a `preserve` request goes to (its body is not read, so nothing else is known). */
export function describePreservedRequest(trace: UpstreamCallTrace, telemetryName: string): void {
  trace.attributes['gen_ai.provider.name'] = telemetryName;
}

function setUsage(trace: Pick<UpstreamCallTrace, 'attributes'>, usage: unknown): void {
  if (typeof usage !== 'object' || usage === null) return;
  const counts = usage as Record<string, unknown>;
  setIfNumber(trace.attributes, 'gen_ai.usage.input_tokens', counts.prompt_tokens);
  setIfNumber(trace.attributes, 'gen_ai.usage.output_tokens', counts.completion_tokens);
}

/** Records what a whole (translated) answer says: its id, model, finish reasons and token usage. */
export function recordLlmAnswer(trace: Pick<UpstreamCallTrace, 'attributes'>, answer: AnswerSummary): void {
  const attributes = trace.attributes;
  setIfText(attributes, 'gen_ai.response.id', answer.id);
  setIfText(attributes, 'gen_ai.response.model', answer.model);
  if (answer.finishReasons && answer.finishReasons.length > 0)
    attributes['gen_ai.response.finish_reasons'] = [...answer.finishReasons];
  setUsage(trace, answer.usage);
}

/**
 * Records a streamed answer step by step: the first chunk's delay after the upstream call
 * started (`gen_ai.response.time_to_first_chunk`, seconds), then id, model, finish reasons and
 * usage as the frames report them. Created per stream.
 */
export function createStreamedAnswerRecorder(
  trace: UpstreamCallTrace,
  upstreamStartedAt: number,
): (step: StreamStep) => void {
  const attributes = trace.attributes;
  const finishReasons: string[] = [];
  let first = true;
  return (step) => {
    if (first) {
      first = false;
      attributes['gen_ai.response.time_to_first_chunk'] = (performance.now() - upstreamStartedAt) / 1000;
    }
    if (step.id) attributes['gen_ai.response.id'] = step.id;
    if (step.model) attributes['gen_ai.response.model'] = step.model;
    if (step.finishReason) {
      finishReasons.push(step.finishReason);
      attributes['gen_ai.response.finish_reasons'] = finishReasons;
    }
    if (step.usage) setUsage(trace, step.usage);
  };
}
