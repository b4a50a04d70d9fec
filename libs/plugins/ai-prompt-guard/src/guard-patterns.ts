import { compileUserRegex, type UserRegex } from '@switchyard/safe-regex';

/**
 * A guard pattern compiled as Kong runs it (`ngx.re.find(prompt, pattern, "jo")`: case-sensitive,
 * matched anywhere, `^` and `$` at the ends of the checked text), on RE2: matching costs time
 * linear in the prompt's length whatever the pattern, so no pattern and no prompt can stall the
 * proxy (`(a+)+$` against 'a' × 5000 + '!' included).
 * @throws RegexSyntaxError for a pattern RE2 cannot compile (the Admin API refuses it first)
 */
export function compileGuardPattern(source: string): UserRegex {
  return compileUserRegex(source);
}
