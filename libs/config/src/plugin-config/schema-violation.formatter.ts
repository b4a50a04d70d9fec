import type { ConfigFieldError, ConfigFieldErrors } from './config-validator.js';

/**
 * The `message` of Kong's "schema violation" error for an entity's field errors (the `fields`
 * of the error body, e.g. `{ config: <errors of validatePluginConfig> }`), built as
 * `kong/db/errors.lua` `schema_violation` builds it:
 * - the entity's own `@entity` messages first, as they are;
 * - then each field in sorted order, `name: message`, and for a record each of its fields in
 *   sorted order, `name.sub: message`; anything deeper is printed as a Lua table by Penlight's
 *   `pretty.write`, e.g. `config.model: {\n  provider = "required field missing"\n}`;
 * - one entry gives `schema violation (...)`, several give `N schema violations (a; b)`.
 */
export function schemaViolationMessage(fields: Readonly<ConfigFieldErrors>): string {
  const entries: string[] = [];
  const entity = fields['@entity'];
  if (Array.isArray(entity)) entries.push(...entity.filter((message) => typeof message === 'string'));
  for (const name of Object.keys(fields).sort()) {
    if (name === '@entity') continue;
    const error = fields[name]!;
    if (typeof error === 'string') {
      entries.push(`${name}: ${error}`);
      continue;
    }
    for (const [sub, inner] of sortedEntries(error)) {
      entries.push(`${name}.${sub}: ${typeof inner === 'string' ? inner : luaPretty(inner)}`);
    }
  }
  return entries.length === 1
    ? `schema violation (${entries[0]})`
    : `${entries.length} schema violations (${entries.join('; ')})`;
}

/** A table's entries as Lua's sorted keys see them: array indexes count from 1. */
function sortedEntries(error: Exclude<ConfigFieldError, string>): [string, ConfigFieldError][] {
  if (Array.isArray(error)) {
    return error.flatMap((inner, index): [string, ConfigFieldError][] =>
      inner === null ? [] : [[String(index + 1), inner]],
    );
  }
  const record = error as ConfigFieldErrors;
  return Object.keys(record)
    .sort()
    .map((key): [string, ConfigFieldError] => [key, record[key]!]);
}

const LUA_KEYWORDS = new Set([
  'and',
  'break',
  'do',
  'else',
  'elseif',
  'end',
  'false',
  'for',
  'function',
  'if',
  'in',
  'local',
  'nil',
  'not',
  'or',
  'repeat',
  'return',
  'then',
  'true',
  'until',
  'while',
]);

/**
 * Penlight's `pretty.write(t)` with its default two-space indent: one item per line, the array
 * part first, identifier keys as `key = `, others as `["key"] = `, no trailing commas. Lua walks
 * the other keys in hash order; they are sorted here so that the message is stable.
 */
function luaPretty(value: ConfigFieldError): string {
  const lines: string[] = [];
  let line = '';
  const put = (text: string): void => {
    line += text;
  };
  const putLine = (text: string): void => {
    lines.push(line + text);
    line = '';
  };
  const eatLastComma = (): void => {
    const last = lines.length - 1;
    if (lines[last]!.endsWith(',')) lines[last] = lines[last]!.slice(0, -1);
  };
  const write = (item: ConfigFieldError, oldIndent: string, indent: string): void => {
    if (typeof item === 'string') {
      putLine(`${luaQuote(item)},`);
      return;
    }
    const newIndent = `${indent}  `;
    putLine('{');
    for (const [key, inner] of tableEntries(item)) {
      put(indent + key);
      write(inner, indent, newIndent);
    }
    eatLastComma();
    putLine(`${oldIndent}},`);
  };
  write(value, '', '  ');
  eatLastComma();
  return lines.join('\n');
}

/** Each entry's printed key (empty for the array part) and value. */
function tableEntries(item: Exclude<ConfigFieldError, string>): [string, ConfigFieldError][] {
  if (Array.isArray(item)) {
    // A Lua sequence stops at the first hole; later elements print with their index.
    const firstHole = item.indexOf(null);
    return item.flatMap((inner, index): [string, ConfigFieldError][] => {
      if (inner === null) return [];
      return [[firstHole === -1 || index < firstHole ? '' : `[${index + 1}] = `, inner]];
    });
  }
  const record = item as ConfigFieldErrors;
  return Object.keys(record)
    .sort()
    .map((key): [string, ConfigFieldError] => [
      `${isLuaIdentifier(key) ? key : luaIndex(key)} = `,
      record[key]!,
    ]);
}

/** A key that is not an identifier, quoted in brackets; a long-bracket quote gets spaces. */
function luaIndex(key: string): string {
  const quoted = luaQuote(key);
  return quoted.startsWith('[') ? `[ ${quoted} ]` : `[${quoted}]`;
}

function isLuaIdentifier(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !LUA_KEYWORDS.has(key);
}

/**
 * Penlight's `stringx.quote_string`: Lua's `%q` (double quotes, escaped), or a long bracket
 * (`[[...]]`, with enough `=` to be unambiguous) for text with a newline or a bracket pair.
 */
function luaQuote(text: string): string {
  let equals = -1;
  for (const match of text.matchAll(/([[\]])(=*)\1/g)) equals = Math.max(equals, match[2]!.length);
  if (text.includes('\n') || equals >= 0) {
    const level = '='.repeat(equals + 1);
    return `[${level}[${text.startsWith('\n') ? `\n${text}` : text}]${level}]`;
  }
  return `"${text.replace(/[\\"\r\0]/g, (char) => ({ '\\': '\\\\', '"': '\\"', '\r': '\\r', '\0': '\\0' })[char]!)}"`;
}
