import { validatePluginConfig, type ConfigFieldErrors } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { aiPromptGuardSchema } from './ai-prompt-guard.schema.js';

function errorsOf(config: Record<string, unknown>): string | ConfigFieldErrors {
  const result = validatePluginConfig(aiPromptGuardSchema, config);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

describe('ai-prompt-guard config', () => {
  it("gets Kong's defaults", () => {
    expect(validatePluginConfig(aiPromptGuardSchema, { deny_patterns: ['x'] })).toEqual({
      ok: true,
      value: {
        allow_patterns: null,
        deny_patterns: ['x'],
        allow_all_conversation_history: false,
        max_request_body_size: 8192,
        match_all_roles: false,
      },
    });
  });

  it("needs allow_patterns or deny_patterns, non-empty (Kong's at_least_one_of)", () => {
    const message =
      "at least one of these fields must be non-empty: 'config.allow_patterns', 'config.deny_patterns'";
    expect(errorsOf({})).toEqual({ '@entity': [message] });
    expect(errorsOf({ allow_patterns: [], deny_patterns: [] })).toEqual({ '@entity': [message] });
  });

  it("refuses match_all_roles with allow_all_conversation_history (Kong's conditional check)", () => {
    expect(
      errorsOf({ deny_patterns: ['x'], match_all_roles: true, allow_all_conversation_history: true }),
    ).toEqual({
      '@entity': ["failed conditional validation given value of field 'config.match_all_roles'"],
      allow_all_conversation_history: 'value must be false',
    });
  });

  it("keeps Kong's bounds: 10 patterns of 1 to 500 bytes", () => {
    expect(errorsOf({ deny_patterns: Array.from({ length: 11 }, (_, i) => `p${i}`) })).toEqual({
      deny_patterns: 'length must be at most 10',
    });
    expect(errorsOf({ allow_patterns: ['ok', 'x'.repeat(501), ''] })).toEqual({
      allow_patterns: [null, 'length must be at most 500', 'length must be at least 1'],
    });
  });

  it('refuses a pattern RE2 cannot run, naming the field, the pattern and the construct', () => {
    expect(errorsOf({ deny_patterns: ['ok', 'pass(?=word)'] })).toEqual({
      '@entity': [
        "deny_patterns: invalid regex 'pass(?=word)': lookahead `(?=` is not supported (user regexes run on RE2, which matches in linear time and has no lookaround, backreferences, atomic groups or possessive quantifiers)",
      ],
    });
    expect(errorsOf({ allow_patterns: ['(unclosed'] })).toEqual({
      '@entity': [expect.stringMatching(/^allow_patterns: invalid regex '\(unclosed': missing closing \)/)],
    });
  });

  it('takes a pattern that backtracks catastrophically elsewhere: RE2 runs it in linear time', () => {
    expect(validatePluginConfig(aiPromptGuardSchema, { deny_patterns: ['(a+)+$', '(a|a)*b'] }).ok).toBe(true);
  });
});
