import { TranslationError } from '@switchyard/plugin-api';
import type { ChatMessage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';

/** The system prompt of a completion, as Kong gives it. */
const COMPLETION_SYSTEM_PROMPT = 'You are a helpful assistant.';

/** One `[INST]` of the prompt: the user's turn and the model's answer to it, if the conversation has one. */
interface Turn {
  user: string;
  answer?: string;
}

/** The text of a message: a raw prompt is text only, so any other part is refused. */
function text(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  return content
    .map((part) => {
      if (part.type !== 'text')
        throw new TranslationError(
          `llama2_format raw takes text only, not '${part.type}' parts: use llama2_format ollama or openai`,
        );
      return part.text;
    })
    .join('\n');
}

/** `<s>[INST] <<SYS>> {system} <</SYS>> {user} [/INST] {answer} </s>`, spaced as Kong spaces it. */
function instruction(turn: Turn, system: string | undefined): string {
  const inner = [system === undefined ? '' : `<<SYS>> ${system} <</SYS>>`, turn.user]
    .filter(Boolean)
    .join(' ');
  return `<s>[INST] ${inner} [/INST]${turn.answer === undefined ? '' : ` ${turn.answer} </s>`}`;
}

/**
 * The Llama 2 chat prompt of a conversation (https://huggingface.co/blog/llama2#how-to-prompt-llama-2),
 * on one line as Kong builds it: `<s>[INST] <<SYS>> {system} <</SYS>> {user} [/INST] {answer} </s> <s>[INST] {user} [/INST]`.
 * Unlike Kong's, the system block holds the system (and developer) messages only, wherever
 * they are (Kong takes the first message for the system prompt, whatever its role), and the
 * model's earlier answers are kept (Kong drops them). Consecutive user messages share one
 * `[INST]`. Tools cannot be expressed in a raw prompt: `tool` messages and tool calls are refused.
 */
export function llama2ChatPrompt(messages: readonly ChatMessage[]): string {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const message of messages) {
    if (!isRecord(message)) throw new TranslationError('each message must be an object');
    if (message.role === 'system' || message.role === 'developer') {
      system.push(text(message));
    } else if (message.role === 'user') {
      const last = turns.at(-1);
      if (last && last.answer === undefined) last.user = `${last.user}\n${text(message)}`;
      else turns.push({ user: text(message) });
    } else if (message.role === 'assistant' && (message.tool_calls ?? []).length === 0) {
      const last = turns.at(-1);
      if (last && last.answer === undefined) last.answer = text(message);
      else turns.push({ user: '', answer: text(message) });
    } else {
      throw new TranslationError(
        `llama2_format raw cannot express ${message.role === 'assistant' ? 'tool calls' : `'${String(message.role)}' messages`}: use llama2_format ollama or openai for tools`,
      );
    }
  }
  if (turns.length === 0) turns.push({ user: '' });
  const systemPrompt = system.length > 0 ? system.join('\n') : undefined;
  return turns.map((turn, index) => instruction(turn, index === 0 ? systemPrompt : undefined)).join(' ');
}

/** The Llama 2 prompt of a completion: Kong's, with the system block closed as Llama 2 expects (`<</SYS>>`). */
export function llama2CompletionPrompt(prompt: string): string {
  return instruction({ user: prompt }, COMPLETION_SYSTEM_PROMPT);
}
