/** Where a piece of the checked text comes from: a chat message, or the completions `prompt`. */
export type PromptSource = { readonly message: number; readonly role: string } | { readonly field: 'prompt' };

/** A piece of the checked text: `text.slice(start, end)` is its source's content. */
interface PromptPiece {
  readonly start: number;
  readonly end: number;
  readonly source: PromptSource;
}

/** The text a guard matches its patterns against, and where each part of it comes from. */
export interface CollectedPrompts {
  readonly text: string;
  /** In text order; each piece is followed by Kong's separator (a space) in chats. */
  readonly pieces: readonly PromptPiece[];
}

/** Which messages of a chat are checked (the plugin's config). */
export interface CollectOptions {
  /** `allow_all_conversation_history`: only the latest checked message. */
  readonly latestOnly: boolean;
  /** `match_all_roles`: messages of every role, not only `user` ones. */
  readonly allRoles: boolean;
}

/** Kong's reason for a body the guard cannot read (logged, never shown to the client). */
export const BAD_PROMPT_FORMAT = 'ai-prompt-guard only supports llm/v1/chat or llm/v1/completions prompts';

/**
 * The prompt of a chat or completions request as Kong's guard collects it
 * (`filters/guard-prompt.lua`): the checked messages from the latest to the oldest, each followed
 * by a space (so that words of two messages do not run together), or only the latest one with
 * `latestOnly`; else the completions `prompt`. A message whose role is not a string, or a checked
 * message whose content is not a string (a multimodal array), makes the request unreadable, as in
 * Kong. Returns `undefined` for a body that is neither a chat nor a completions request.
 */
export function collectPrompts(
  body: Readonly<Record<string, unknown>>,
  options: CollectOptions,
): CollectedPrompts | undefined {
  const messages = body['messages'];
  if (Array.isArray(messages)) return collectMessages(messages, options);
  const prompt = body['prompt'];
  if (typeof prompt === 'string')
    return { text: prompt, pieces: [{ start: 0, end: prompt.length, source: { field: 'prompt' } }] };
  return undefined;
}

function collectMessages(
  messages: readonly unknown[],
  options: CollectOptions,
): CollectedPrompts | undefined {
  let text = '';
  const pieces: PromptPiece[] = [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    const role =
      typeof message === 'object' && message !== null
        ? (message as Record<string, unknown>)['role']
        : undefined;
    if (typeof role !== 'string') return undefined;
    if (role !== 'user' && !options.allRoles) continue;
    const content = (message as Record<string, unknown>)['content'];
    if (typeof content !== 'string') return undefined;
    pieces.push({ start: text.length, end: text.length + content.length, source: { message: index, role } });
    text += content;
    if (options.latestOnly) break;
    text += ' ';
  }
  return { text, pieces };
}

/**
 * The source of the text at `offset` (where a match begins): the piece that holds it, or, for a
 * separator, the piece after it.
 */
export function sourceAt(prompts: CollectedPrompts, offset: number): PromptSource | undefined {
  return prompts.pieces.find((piece) => piece.end > offset)?.source;
}
