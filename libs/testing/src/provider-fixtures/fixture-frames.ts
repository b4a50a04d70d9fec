import type { StreamFrame, StreamFraming } from '@switchyard/plugin-api';

/**
 * Cuts a whole SSE body into frames, for fixtures only (the proxy parses streams incrementally).
 * Events are separated by a blank line; `event:` names the frame, `data:` lines are joined with
 * `\n`, comments (`:`) and other fields are ignored, and an event without data is not a frame.
 */
export function splitSseFrames(text: string): StreamFrame[] {
  const frames: StreamFrame[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0)
      frames.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return frames;
}

/** Cuts a whole NDJSON body into one frame per non-blank line, for fixtures only. */
export function splitNdjsonFrames(text: string): StreamFrame[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((data) => ({ data }));
}

/** Cuts a fixture stream with the splitter of a framing; throws for framings fixtures lack. */
export function splitFixtureFrames(text: string, framing: StreamFraming): StreamFrame[] {
  switch (framing) {
    case 'sse':
      return splitSseFrames(text);
    case 'ndjson':
      return splitNdjsonFrames(text);
    default:
      throw new Error(`no fixture frame splitter for '${framing}' streams`);
  }
}
