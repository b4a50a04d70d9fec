import type { ChatMessage } from '@switchyard/plugin-api';

/**
 * The text of a message's `content`, for providers that take plain strings: a string as is,
 * the `text` of text parts joined with newlines (other parts, such as images, are left out),
 * and `''` for no content (an assistant turn that only calls tools).
 */
export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}
