import { TranslationError } from '@switchyard/plugin-api';
import type { ChatContentPart, ChatMessage } from '@switchyard/plugin-api';
import type { GeminiPart } from './gemini.types.js';

/** `data:<media type>[;param...];base64,<bytes>` */
const BASE64_DATA_URL = /^data:([^;,]+)(?:;[^;,]+)*;base64,(.*)$/s;

/** The media type of a file Gemini fetches, from its name's extension (Vertex AI requires one). */
const MEDIA_TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** OpenAI's `input_audio` formats as media types. */
const AUDIO_MEDIA_TYPES: Readonly<Record<string, string>> = { wav: 'audio/wav', mp3: 'audio/mp3' };

/** A base64 `data:` URL as inline bytes; `undefined` for any other URL. */
function inlineData(url: string, what: string): GeminiPart | undefined {
  if (!url.startsWith('data:')) return undefined;
  const match = BASE64_DATA_URL.exec(url);
  if (!match)
    throw new TranslationError(`${what} data: URL must be base64 (data:<media type>;base64,<bytes>)`);
  return { inlineData: { mimeType: match[1].toLowerCase(), data: match[2] } };
}

/** A URL Gemini fetches itself (`https:`, `gs:`, an uploaded file's URI), with its media type when its name tells it. */
function fileData(url: string): GeminiPart {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    throw new TranslationError(
      `image_url.url must be a base64 data: URL or an absolute URL, not ${url.slice(0, 100)}`,
    );
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  const mimeType = extension ? MEDIA_TYPES_BY_EXTENSION[extension] : undefined;
  return { fileData: { fileUri: url, ...(mimeType && { mimeType }) } };
}

/** One OpenAI content part as a Gemini part; none for an empty text (Gemini refuses empty text parts). */
function geminiPart(part: ChatContentPart): GeminiPart[] {
  switch (part.type) {
    case 'text':
      return part.text === '' ? [] : [{ text: part.text }];
    case 'refusal':
      return part.refusal === '' ? [] : [{ text: part.refusal }];
    case 'image_url':
      return [inlineData(part.image_url.url, 'image_url') ?? fileData(part.image_url.url)];
    case 'input_audio': {
      const mimeType = AUDIO_MEDIA_TYPES[part.input_audio.format];
      if (!mimeType)
        throw new TranslationError(`input_audio format '${part.input_audio.format}' is not wav or mp3`);
      return [{ inlineData: { mimeType, data: part.input_audio.data } }];
    }
    case 'file': {
      const inline = part.file.file_data ? inlineData(part.file.file_data, 'file_data') : undefined;
      if (!inline)
        throw new TranslationError(
          'a file part needs file_data (a base64 data: URL): gemini cannot read OpenAI file ids',
        );
      return [inline];
    }
    default:
      throw new TranslationError(
        `content part '${(part as { type: string }).type}' is not supported by gemini`,
      );
  }
}

/**
 * A message's `content` as Gemini parts: text, images and files inline from base64 `data:`
 * URLs (`inlineData`) or fetched by Gemini from other URLs (`fileData`), audio inline. Empty
 * text is left out. Throws `TranslationError` for what Gemini cannot take.
 */
export function contentParts(content: ChatMessage['content']): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return (content ?? []).flatMap(geminiPart);
}
