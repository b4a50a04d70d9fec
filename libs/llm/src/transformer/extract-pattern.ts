import { compileUserRegex, type UserRegex } from '@switchyard/safe-regex';

/**
 * A `transformation_extract_pattern`, compiled as Kong runs it (`ngx.re.match(answer, pattern,
 * "ijom")`): case-insensitive, `^` and `$` at line breaks too, `.` not matching a line break; on
 * RE2 (`@switchyard/safe-regex`), so that no pattern can stall the proxy, whatever the answer.
 * @throws RegexSyntaxError for a pattern RE2 cannot compile (the Admin API refuses it first)
 */
export function compileExtractPattern(source: string): UserRegex {
  return compileUserRegex(source, { caseInsensitive: true, multiline: true });
}
