import { StringDecoder } from 'node:string_decoder';
import type { StreamFrame } from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/**
 * Server-sent events (the WHATWG event-stream format), as OpenAI-style providers stream: lines
 * end with LF, CRLF or CR; a blank line dispatches the event; `event:` names it and its `data:`
 * lines are joined with `\n`; comments and other fields are ignored; an event without data is
 * not a frame. Events and lines split across chunks are stitched (Kong's truncated-frame
 * handling), and UTF-8 characters split across chunks are kept whole.
 */
export class SseFrameParser implements FrameParser {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of a line whose end has not arrived. */
  private partialLine = '';
  /** A chunk ended on CR: a LF opening the next one ends nothing. */
  private afterCr = false;
  private eventName: string | undefined;
  private data: string[] = [];

  push(chunk: Buffer): StreamFrame[] {
    const frames: StreamFrame[] = [];
    this.scan(this.decoder.write(chunk), frames);
    return frames;
  }

  end(): StreamFrame[] {
    const frames: StreamFrame[] = [];
    this.scan(this.decoder.end(), frames);
    if (this.partialLine !== '') this.line(this.partialLine, frames);
    this.partialLine = '';
    this.dispatch(frames);
    return frames;
  }

  private scan(text: string, frames: StreamFrame[]): void {
    let start = 0;
    if (this.afterCr && text.length > 0) {
      if (text.charCodeAt(0) === LF) start = 1;
      this.afterCr = false;
    }
    let cr = text.indexOf('\r', start);
    while (start < text.length) {
      const lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      const line = this.partialLine + text.slice(start, end);
      this.partialLine = '';
      start = end + 1;
      if (end === cr) {
        if (start === text.length) this.afterCr = true;
        else if (text.charCodeAt(start) === LF) start++;
      }
      this.line(line, frames);
    }
    if (start < text.length) this.partialLine += text.slice(start);
  }

  private line(line: string, frames: StreamFrame[]): void {
    if (line === '') return this.dispatch(frames);
    const colon = line.indexOf(':');
    if (colon === 0) return; // a comment
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === SPACE) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
  }

  private dispatch(frames: StreamFrame[]): void {
    if (this.data.length > 0) {
      const data = this.data.join('\n');
      frames.push(this.eventName === undefined ? { data } : { event: this.eventName, data });
      this.data = [];
    }
    this.eventName = undefined;
  }
}

const LF = 10;
const SPACE = 32;
