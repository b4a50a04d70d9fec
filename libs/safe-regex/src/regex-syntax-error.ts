import { RE2JSSyntaxException } from 're2js';

/**
 * A user-supplied regular expression that cannot be compiled: bad syntax, or a construct the
 * linear-time engine does not have (lookaround, backreferences, atomic groups, possessive
 * quantifiers). `message` names the pattern and what is wrong with it; `reason` is the latter alone.
 */
export class RegexSyntaxError extends Error {
  constructor(
    /** The pattern as the user wrote it. */
    readonly source: string,
    /** What is wrong, e.g. "missing closing ): `(a`" or "lookahead `(?=` is not supported ...". */
    readonly reason: string,
  ) {
    super(`invalid regex '${source}': ${reason}`);
    this.name = 'RegexSyntaxError';
  }
}

const NO_BACKTRACKING =
  'user regexes run on RE2, which matches in linear time and has no lookaround, backreferences, atomic groups or possessive quantifiers';

/**
 * What RE2 refused, in words a user can act on. RE2 names a construct it does not have the way it
 * names a typo ("invalid named capture" for a lookbehind, "invalid escape sequence" for a
 * backreference); the fragment it quotes tells which one it was.
 */
export function describeSyntaxError(error: RE2JSSyntaxException): string {
  const description = error.getDescription();
  const fragment = error.getPattern() ?? '';
  const unsupported = unsupportedConstruct(fragment);
  return unsupported === undefined
    ? `${description}: \`${fragment}\``
    : `${unsupported} is not supported (${NO_BACKTRACKING})`;
}

function unsupportedConstruct(fragment: string): string | undefined {
  if (fragment.startsWith('(?=') || fragment.startsWith('(?!'))
    return `lookahead \`${fragment.slice(0, 3)}\``;
  if (fragment.startsWith('(?<=') || fragment.startsWith('(?<!')) {
    return `lookbehind \`${fragment.slice(0, 4)}\``;
  }
  if (fragment.startsWith('(?>')) return 'atomic group `(?>`';
  if (/^\\([1-9]|k)/.test(fragment)) return `backreference \`${fragment}\``;
  if (/^(?:[*+?]|\{[\d,]*\})\+$/.test(fragment)) return `possessive quantifier \`${fragment}\``;
  return undefined;
}
