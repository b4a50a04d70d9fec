import { StringDecoder } from 'node:string_decoder';
import type { StreamFrame } from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/** The `data` of the frame that marks the end of the array, as Kong's `frame_to_events` adds it. */
const END_OF_ARRAY = '[DONE]';

/**
 * A JSON array streamed element by element, as Gemini's `streamGenerateContent` answers
 * (`[{...}\n,\r\n{...}]`): each top-level element is one frame, whatever the chunk boundaries
 * (Kong's `json_array_iterator`). The closing `]` ends the stream with a `[DONE]` frame, as
 * Kong's `frame_to_events` does. A body that is not an array is read as a sequence of JSON
 * values, each a frame. Only the element being read is held.
 */
export class JsonArrayFrameParser implements FrameParser {
  private readonly decoder = new StringDecoder('utf8');
  private state: 'start' | 'between' | 'element' | 'done' = 'start';
  /** Whether the body is wrapped in `[...]` (else a bare sequence of values). */
  private inArray = false;
  /** The text of the element read so far, from earlier chunks. */
  private partial = '';
  /** Nesting depth inside the element; 0 while reading a string or scalar at its top. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The element is a bare scalar (number, `true`, ...): it ends at a delimiter. */
  private scalar = false;

  push(chunk: Buffer): StreamFrame[] {
    const frames: StreamFrame[] = [];
    this.scan(this.decoder.write(chunk), frames);
    return frames;
  }

  end(): StreamFrame[] {
    const frames: StreamFrame[] = [];
    this.scan(this.decoder.end(), frames);
    // A scalar has no closing mark; anything else unfinished cannot be valid JSON.
    if (this.state === 'element' && this.scalar) this.emit(this.partial, frames);
    this.partial = '';
    return frames;
  }

  private scan(text: string, frames: StreamFrame[]): void {
    let elementStart = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (this.state === 'element') {
        if (this.step(char)) {
          this.emit(this.partial + text.slice(elementStart, i + 1), frames);
        } else if (this.scalar && this.scalarEnds(char)) {
          this.emit(this.partial + text.slice(elementStart, i), frames);
          i--; // the delimiter is read again, between elements
        }
        continue;
      }
      if (this.state === 'done') return;
      if (isSpace(char)) continue;
      if (this.state === 'start') {
        this.state = 'between';
        this.inArray = char === OPEN_BRACKET;
        if (this.inArray) continue;
      }
      if (char === COMMA) continue;
      if (char === CLOSE_BRACKET && this.inArray) {
        this.state = 'done';
        frames.push({ data: END_OF_ARRAY });
        return;
      }
      this.startElement(char);
      elementStart = i;
    }
    if (this.state === 'element') this.partial += text.slice(elementStart);
  }

  private startElement(char: number): void {
    this.state = 'element';
    this.partial = '';
    this.depth = char === OPEN_BRACE || char === OPEN_BRACKET ? 1 : 0;
    this.inString = char === QUOTE;
    this.escaped = false;
    this.scalar = this.depth === 0 && !this.inString;
  }

  /** Advances over one character of a structured element; true when it closes the element. */
  private step(char: number): boolean {
    if (this.scalar) return false;
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === BACKSLASH) this.escaped = true;
      else if (char === QUOTE) {
        this.inString = false;
        return this.depth === 0;
      }
      return false;
    }
    if (char === QUOTE) this.inString = true;
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) this.depth++;
    else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) return --this.depth === 0;
    return false;
  }

  private scalarEnds(char: number): boolean {
    return isSpace(char) || char === COMMA || char === CLOSE_BRACKET;
  }

  private emit(data: string, frames: StreamFrame[]): void {
    frames.push({ data });
    this.partial = '';
    this.state = 'between';
  }
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(char: number): boolean {
  return char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09;
}
