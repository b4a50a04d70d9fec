import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';
import { RegexSyntaxError, describeSyntaxError } from './regex-syntax-error.js';

/** How a user regex is matched. */
export interface UserRegexOptions {
  /** Letters match in either case (Kong's `~*` header values). Default `false`. */
  readonly caseInsensitive?: boolean;
  /**
   * The match must begin at the input's first character, as with JavaScript's sticky flag (Kong's
   * `~` paths); it may end anywhere, and `|` alternatives are all anchored. Default `false`: the
   * leftmost match anywhere in the input.
   */
  readonly anchoredAtStart?: boolean;
  /**
   * `^` and `$` also match at line breaks, as with PCRE's `m` flag (Kong's `ngx.re.match(..., "m")`).
   * Default `false`: they match only at the input's ends.
   */
  readonly multiline?: boolean;
}

/** One match, created per call. Offsets are in UTF-16 code units, as JavaScript strings count. */
export interface UserRegexMatch {
  /** Where the match begins in the input. */
  readonly start: number;
  /** Where the match ends in the input (exclusive): the matched length when anchored at the start. */
  readonly end: number;
  /** `0` is the whole match, `1`… the groups by number; `undefined` for a group that took no part. */
  readonly captures: readonly (string | undefined)[];
  /** The named groups (`(?<name>...)` or `(?P<name>...)`) by name; `undefined` when one took no part. */
  readonly namedCaptures: Readonly<Record<string, string | undefined>>;
}

/**
 * A user-supplied regular expression compiled for a linear-time engine (RE2, through `re2js`):
 * matching costs time proportional to the input's length whatever the pattern, so no pattern can
 * stall the process. Immutable; safe to share and to call from anywhere (no `lastIndex` state).
 */
export interface UserRegex {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** How many capture groups the pattern has (group 0, the whole match, not counted). */
  readonly groupCount: number;
  /** Whether the input matches. */
  test(input: string): boolean;
  /** The match with its groups, or `null`. */
  exec(input: string): UserRegexMatch | null;
}

const NO_NAMED_CAPTURES: Readonly<Record<string, string | undefined>> = Object.freeze({});

/**
 * Compiles a regular expression that came from a user (Admin API input, a plugin's config) for a
 * linear-time engine. The syntax is RE2's, a subset of PCRE's: classes, anchors, `\d \w \s \b`,
 * `{n,m}` up to 1000, lazy quantifiers, `(?i)` flags, named groups `(?<name>...)`, Unicode
 * classes `\pL`; no lookaround, backreferences, atomic groups or possessive quantifiers.
 * @throws RegexSyntaxError naming what is wrong, for a pattern RE2 cannot compile
 */
export function compileUserRegex(source: string, options: UserRegexOptions = {}): UserRegex {
  const caseInsensitive = options.caseInsensitive === true;
  const multiline = options.multiline === true;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(
      source,
      (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0) | (multiline ? RE2JS.MULTILINE : 0),
    );
  } catch (error) {
    if (error instanceof RE2JSSyntaxException) throw new RegexSyntaxError(source, describeSyntaxError(error));
    if (error instanceof RE2JSException) throw new RegexSyntaxError(source, error.message);
    throw error;
  }
  const anchoredAtStart = options.anchoredAtStart === true;
  // A final `$` is the input's end only when not multiline: then string comparison can stand in.
  return !caseInsensitive && !multiline && LITERAL_PATTERN.test(source)
    ? new LiteralUserRegex(source, anchoredAtStart)
    : new Re2UserRegex(source, compiled, anchoredAtStart);
}

/**
 * Plain characters only, save an optional final `$` (no RE2 metacharacter, no surrogate): the
 * form of most route regexes (`~/openai-chat$`). Such a pattern means the same to any engine, so
 * string comparison matches it, about 20 times faster than RE2 does. Case-sensitive patterns only:
 * RE2 folds case by Unicode's rules, which comparing strings would not reproduce.
 */
const LITERAL_PATTERN = /^[^\\.+*?()|[\]{}^$\uD800-\uDFFF]*\$?$/;

class LiteralUserRegex implements UserRegex {
  readonly groupCount = 0;
  private readonly literal: string;
  private readonly atEnd: boolean;

  constructor(
    readonly source: string,
    private readonly anchoredAtStart: boolean,
  ) {
    this.atEnd = source.endsWith('$');
    this.literal = this.atEnd ? source.slice(0, -1) : source;
  }

  test(input: string): boolean {
    return this.matchStart(input) !== -1;
  }

  exec(input: string): UserRegexMatch | null {
    const start = this.matchStart(input);
    if (start === -1) return null;
    return {
      start,
      end: start + this.literal.length,
      captures: [this.literal],
      namedCaptures: NO_NAMED_CAPTURES,
    };
  }

  /** Where the leftmost match begins, or -1. */
  private matchStart(input: string): number {
    const literal = this.literal;
    if (this.anchoredAtStart) {
      const matches = this.atEnd ? input === literal : input.startsWith(literal);
      return matches ? 0 : -1;
    }
    if (this.atEnd) return input.endsWith(literal) ? input.length - literal.length : -1;
    return input.indexOf(literal);
  }
}

class Re2UserRegex implements UserRegex {
  readonly groupCount: number;
  private readonly groupNames: readonly (readonly [string, number])[];

  constructor(
    readonly source: string,
    private readonly compiled: RE2JS,
    private readonly anchoredAtStart: boolean,
  ) {
    this.groupCount = compiled.groupCount();
    this.groupNames = Object.entries(compiled.namedGroups());
  }

  test(input: string): boolean {
    // Unanchored, RE2JS's `test` runs the DFA without building a matcher.
    return this.anchoredAtStart ? this.compiled.matcher(input).lookingAt() : this.compiled.test(input);
  }

  exec(input: string): UserRegexMatch | null {
    const matcher = this.compiled.matcher(input);
    if (!(this.anchoredAtStart ? matcher.lookingAt() : matcher.find())) return null;
    const captures: (string | undefined)[] = [];
    for (let group = 0; group <= this.groupCount; group++) captures.push(matcher.group(group) ?? undefined);
    let namedCaptures = NO_NAMED_CAPTURES;
    if (this.groupNames.length > 0) {
      const named: Record<string, string | undefined> = Object.create(null);
      for (const [name, group] of this.groupNames) named[name] = captures[group];
      namedCaptures = named;
    }
    return { start: matcher.start(), end: matcher.end(), captures, namedCaptures };
  }
}
