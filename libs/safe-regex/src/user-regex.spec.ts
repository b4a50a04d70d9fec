import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileUserRegex, RegexSyntaxError, type UserRegexOptions } from './index.js';

/** Milliseconds `run` takes. */
function elapsedMs(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('compileUserRegex', () => {
  describe('captures', () => {
    it('returns numbered and named groups, the named ones by name too', () => {
      const regex = compileUserRegex('/(?<model>[^/]+)/(chat|embeddings)$');
      expect(regex.groupCount).toBe(2);
      expect(regex.exec('/gpt-4o/chat')).toEqual({
        start: 0,
        end: 12,
        captures: ['/gpt-4o/chat', 'gpt-4o', 'chat'],
        namedCaptures: { model: 'gpt-4o' },
      });
    });

    it("accepts PCRE's (?P<name>...) spelling of a named group", () => {
      expect(compileUserRegex('/(?P<model>[^/]+)$').exec('/gpt-4')?.namedCaptures).toEqual({
        model: 'gpt-4',
      });
    });

    it('leaves a group that took no part in the match undefined', () => {
      const found = compileUserRegex('/(?<a>a)|/(?<b>b)').exec('/b');
      expect(found?.captures).toEqual(['/b', undefined, 'b']);
      expect(found?.namedCaptures).toEqual({ a: undefined, b: 'b' });
    });

    it('counts offsets in UTF-16 code units, as JavaScript strings do', () => {
      const found = compileUserRegex('/[^/]+', { anchoredAtStart: true }).exec('/😀é/x');
      expect(found?.end).toBe('/😀é'.length);
      expect(found?.captures[0]).toBe('/😀é');
    });

    it('answers null when nothing matches', () => {
      expect(compileUserRegex('/chat$').exec('/models')).toBeNull();
    });
  });

  describe('case', () => {
    it('is case-sensitive unless asked otherwise', () => {
      expect(compileUserRegex('application/json').test('Application/JSON')).toBe(false);
      expect(compileUserRegex('application/json', { caseInsensitive: true }).test('Application/JSON')).toBe(
        true,
      );
    });

    it('takes the (?i) flag inside the pattern, as PCRE does', () => {
      expect(compileUserRegex('(?i)^v1$').test('V1')).toBe(true);
    });
  });

  describe('lines', () => {
    const text = 'Sure! Here it is:\n{"a": 1}\nAnything else?';

    it('anchors ^ and $ at the input ends unless multiline', () => {
      expect(compileUserRegex('^\\{.*\\}$').test(text)).toBe(false);
      expect(compileUserRegex('^Anything else\\?$').test(text)).toBe(false);
    });

    it("anchors ^ and $ at line breaks too when multiline, as PCRE's m flag does", () => {
      expect(compileUserRegex('^\\{.*\\}$', { multiline: true }).exec(text)?.captures[0]).toBe('{"a": 1}');
      expect(compileUserRegex('Here$', { multiline: true }).test(text)).toBe(false);
      expect(compileUserRegex('Here it is:$', { multiline: true }).test(text)).toBe(true);
    });
  });

  describe('anchoring', () => {
    it('finds the leftmost match anywhere when unanchored', () => {
      const found = compileUserRegex('v[0-9]+').exec('api-v12-beta');
      expect(found).toMatchObject({ start: 4, end: 7, captures: ['v12'] });
    });

    it('anchored at the start, matches only from the first character and may end before the input does', () => {
      const regex = compileUserRegex('/chat', { anchoredAtStart: true });
      expect(regex.exec('/chat/completions')).toMatchObject({ start: 0, end: 5 });
      expect(regex.test('/v1/chat')).toBe(false);
      expect(regex.exec('/v1/chat')).toBeNull();
    });

    it('anchors every alternative, as a sticky regex does', () => {
      const regex = compileUserRegex('/a|/b', { anchoredAtStart: true });
      expect(regex.test('/x/b')).toBe(false);
      expect(regex.test('/b/x')).toBe(true);
    });
  });

  describe('plain-character patterns', () => {
    /** What RE2 itself answers, the reference the string comparison must agree with. */
    function re2Match(source: string, input: string, options: UserRegexOptions) {
      const matcher = RE2JS.compile(source).matcher(input);
      if (!(options.anchoredAtStart ? matcher.lookingAt() : matcher.find())) return null;
      return { start: matcher.start(), end: matcher.end(), captures: [matcher.group(0)], namedCaptures: {} };
    }

    const patterns = [
      '/openai-chat$',
      '/openai-chat',
      'chat',
      'chat$',
      '',
      '$',
      '/a b/é:~%20!',
      '/x-y_z@1,2=3',
    ];
    const inputs = [
      '/openai-chat',
      '/openai-chat/x',
      '/v1/openai-chat',
      'chat/chat',
      '',
      '/a b/é:~%20!/',
      'x',
    ];

    it.each([{ anchoredAtStart: true }, { anchoredAtStart: false }])(
      'are matched by string comparison exactly as RE2 matches them (%o)',
      (options) => {
        for (const source of patterns) {
          const regex = compileUserRegex(source, options);
          for (const input of inputs) {
            expect(regex.exec(input), `${source} on ${input}`).toEqual(re2Match(source, input, options));
            expect(regex.test(input)).toBe(re2Match(source, input, options) !== null);
          }
        }
      },
    );

    it('still refuses what RE2 refuses', () => {
      expect(() => compileUserRegex('/chat)')).toThrow(RegexSyntaxError);
    });
  });

  describe('refused syntax', () => {
    const refusal = (source: string) => {
      try {
        compileUserRegex(source);
      } catch (error) {
        expect(error).toBeInstanceOf(RegexSyntaxError);
        return error as RegexSyntaxError;
      }
      throw new Error(`'${source}' compiled`);
    };

    it('names the pattern and what is wrong with it', () => {
      const error = refusal('/chat/(unclosed');
      expect(error.source).toBe('/chat/(unclosed');
      expect(error.reason).toBe('missing closing ): `/chat/(unclosed`');
      expect(error.message).toBe("invalid regex '/chat/(unclosed': missing closing ): `/chat/(unclosed`");
    });

    it.each([
      ['/(?=v1)', 'lookahead `(?=` is not supported'],
      ['/(?!v1)', 'lookahead `(?!` is not supported'],
      ['(?<=/v1)/chat', 'lookbehind `(?<=` is not supported'],
      ['(?<!/v1)/chat', 'lookbehind `(?<!` is not supported'],
      ['/(a)\\1', 'backreference `\\1` is not supported'],
      ['/(?<x>a)\\k<x>', 'backreference `\\k` is not supported'],
      ['/(?>a+)', 'atomic group `(?>` is not supported'],
      ['/a++', 'possessive quantifier `++` is not supported'],
      ['/a{2}+', 'possessive quantifier `{2}+` is not supported'],
    ])('says that %s has a construct the linear-time engine does not have', (source, reason) => {
      expect(refusal(source).reason).toBe(
        `${reason} (user regexes run on RE2, which matches in linear time and has no lookaround, backreferences, atomic groups or possessive quantifiers)`,
      );
    });

    it('refuses repeat counts over 1000', () => {
      expect(refusal('a{1001}').reason).toBe('invalid repeat count: `{1001}`');
    });
  });

  describe('linear time', () => {
    // A backtracking engine takes seconds on the first at 30 characters, doubling with each one
    // more; the other two are polynomial (cubic, and exponential on V8) on 100k characters.
    it.each([
      ['/r/(a+)+$', `/r/${'a'.repeat(100_000)}!`, true],
      ['a*a*a*b', 'a'.repeat(100_000), false],
      ['(a|a)*b', 'a'.repeat(100_000), false],
      ['(?:a|aa)+$', `${'a'.repeat(100_000)}!`, true],
    ])('matches %s against a hostile 100 kB input in well under a second', (source, input, anchored) => {
      const regex = compileUserRegex(source, { anchoredAtStart: anchored });
      expect(elapsedMs(() => expect(regex.exec(input)).toBeNull())).toBeLessThan(1000);
      expect(elapsedMs(() => expect(regex.test(input)).toBe(false))).toBeLessThan(1000);
    });
  });
});
