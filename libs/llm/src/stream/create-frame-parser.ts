import type { StreamFraming } from '@switchyard/plugin-api';
import { AwsEventStreamFrameParser } from './aws-eventstream-frame.parser.js';
import type { FrameParser } from './frame-parser.js';
import { JsonArrayFrameParser } from './json-array-frame.parser.js';
import { NdjsonFrameParser } from './ndjson-frame.parser.js';
import { SseFrameParser } from './sse-frame.parser.js';

const PARSERS: Readonly<Record<StreamFraming, new () => FrameParser>> = {
  sse: SseFrameParser,
  ndjson: NdjsonFrameParser,
  'json-array': JsonArrayFrameParser,
  'aws-eventstream': AwsEventStreamFrameParser,
};

/** A new parser for one streamed response in the driver's framing. */
export function createFrameParser(framing: StreamFraming): FrameParser {
  return new PARSERS[framing]();
}
