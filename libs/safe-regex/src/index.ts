export {
  compileUserRegex,
  type UserRegex,
  type UserRegexMatch,
  type UserRegexOptions,
} from './user-regex.js';
export { RegexSyntaxError } from './regex-syntax-error.js';
