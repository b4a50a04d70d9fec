import { GatewayError } from '@switchyard/plugin-api';

/**
 * The deepest nesting of arrays and objects a client body may have. LLM requests stay far
 * below it (a tool's JSON schema nests a dozen levels); far deeper bodies would overflow the
 * stack of every recursive step after parsing (serializing, copying, logging).
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Throws a 400 when the JSON text `raw` nests arrays and objects deeper than `MAX_JSON_DEPTH`;
 * one pass over the bytes, before anything parses them. Brackets inside strings do not count.
 * Whether `raw` is JSON at all is left to the parser.
 */
export function checkJsonDepth(raw: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index]!;
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw new GatewayError(
          400,
          `request body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects; send a flatter body`,
        );
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth -= 1;
  }
}
