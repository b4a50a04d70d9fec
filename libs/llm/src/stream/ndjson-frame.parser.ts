import { StringDecoder } from 'node:string_decoder';
import type { StreamFrame } from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/**
 * Newline-delimited JSON (Cohere, Ollama): one frame per non-blank line, CRLF tolerated, lines
 * split across chunks stitched. The lines are not parsed here; the translator reads them.
 */
export class NdjsonFrameParser implements FrameParser {
  private readonly decoder = new StringDecoder('utf8');
  private partialLine = '';

  push(chunk: Buffer): StreamFrame[] {
    const text = this.partialLine + this.decoder.write(chunk);
    const frames: StreamFrame[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      addLine(text.slice(start, end), frames);
      start = end + 1;
    }
    this.partialLine = text.slice(start);
    return frames;
  }

  end(): StreamFrame[] {
    const frames: StreamFrame[] = [];
    addLine(this.partialLine + this.decoder.end(), frames);
    this.partialLine = '';
    return frames;
  }
}

function addLine(line: string, frames: StreamFrame[]): void {
  const data = line.trim();
  if (data !== '') frames.push({ data });
}
