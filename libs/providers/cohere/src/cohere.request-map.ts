import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ClientBody,
  CompletionRequest,
  ProviderRequest,
  TranslatedRequest,
  TuningParameters,
} from '@switchyard/plugin-api';
import { contentText, translateOpenAiRequest } from '@switchyard/provider-openai-compatible';

/** One earlier turn of a v1 `chat_history`. */
interface CohereChatTurn {
  readonly role: 'USER' | 'CHATBOT';
  readonly message: string;
}

type CohereBody = Record<string, unknown>;

/**
 * The fields both endpoints share (Kong's cohere `to_format`): `top_p` becomes `p`, `top_k`
 * becomes `k`, `model` and `stream` are explicit, and every other client field is kept.
 */
function withTuning(
  kept: CohereBody,
  { top_p, top_k }: Pick<TuningParameters, 'top_p' | 'top_k'>,
  request: ProviderRequest,
): CohereBody {
  const upstream: CohereBody = { ...kept, model: request.model.name, stream: request.stream };
  if (top_p !== undefined) upstream.p = top_p;
  if (top_k !== undefined) upstream.k = top_k;
  return upstream;
}

// As Kong: assistant turns are the CHATBOT's; every other role, `system` included, is the USER's.
// (Cohere's `preamble` would be the natural home of a system prompt; Kong does not use it.)
function toTurn(message: ChatMessage): CohereChatTurn {
  return { role: message.role === 'assistant' ? 'CHATBOT' : 'USER', message: contentText(message.content) };
}

/**
 * `/v1/chat`: all messages but the last go to `chat_history`; the last one is `message`. A body
 * with `tools` goes out in the OpenAI format instead, as Kong does (for Cohere's
 * OpenAI-compatible endpoint, via `upstream_url`).
 */
export function translateCohereChatRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  if (client.tools != null) return translateOpenAiRequest(client, request);
  const { messages, top_p, top_k, ...kept } = client as ChatCompletionRequest;
  const last = messages.at(-1);
  if (!last) throw new TranslationError("request body doesn't contain valid prompts");
  const upstream = withTuning(kept, { top_p, top_k }, request);
  if (messages.length > 1) upstream.chat_history = messages.slice(0, -1).map(toTurn);
  upstream.message = contentText(last.content);
  return { body: upstream };
}

/** `/v1/generate`: the prompt is sent as is. */
export function translateCohereGenerateRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const { top_p, top_k, ...kept } = client as CompletionRequest;
  return { body: withTuning(kept, { top_p, top_k }, request) };
}
