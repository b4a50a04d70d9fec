/**
 * A Kong vault reference to a secret in the environment of the proxy:
 * `{vault://env/<name>[/<key>][?prefix=<prefix>][#<version>]}`. Parsed from a config value the
 * Admin API stores as written; only the proxy resolves it (see `resolveConfigReferences`).
 */
export interface VaultReference {
  /** The reference as written. */
  readonly text: string;
  /** The environment variable that holds the secret, by Kong's env vault rule. */
  readonly variable: string;
  /** The member of the variable's JSON object that is the secret; `null` when the whole value is. */
  readonly key: string | null;
}

/** A value that is not a well-formed reference to a vault this gateway has. */
export class VaultReferenceError extends Error {
  constructor(reference: string, problem: string) {
    super(`invalid vault reference '${reference}': ${problem}`);
    this.name = 'VaultReferenceError';
  }
}

const SUPPORTED = "this gateway resolves references from the environment only: '{vault://env/<name>}'";

/** Kong's `kong.vault.is_reference`: a string that starts with `{vault://` and ends with `}`. */
export function isVaultReference(value: string): boolean {
  return value.startsWith('{vault://') && value.endsWith('}');
}

/**
 * Parses a reference as Kong's `kong.vault.parse_reference` does, for Kong's `env` vault: the
 * path is the secret's name, a last path segment (after a `/` that is not the last character) the
 * key of a JSON object held by the variable, `?prefix=` goes before the name, `#2` asks for the
 * previous version. The variable is the prefix and the name (its `-` turned into `_`), upper-cased,
 * with `_PREVIOUS` for version 2: `{vault://env/openai-api-key}` reads `OPENAI_API_KEY`.
 * @throws VaultReferenceError naming what is wrong
 */
export function parseVaultReference(text: string): VaultReference {
  if (!isVaultReference(text)) throw new VaultReferenceError(text, "expected '{vault://env/<name>}'");
  let url: URL;
  try {
    url = new URL(text.slice(1, -1));
  } catch {
    throw new VaultReferenceError(text, 'it is not a URL');
  }
  if (url.host !== 'env') throw new VaultReferenceError(text, `unknown vault '${url.host}': ${SUPPORTED}`);

  // `name/key`, `name/` (no key), or `name`; a name may itself have `/` in it (`a/b/key`, `a/b/`).
  const segments = url.pathname
    .slice(1)
    .split('/')
    .map((segment) => decode(text, segment));
  const last = segments.length > 1 ? segments.pop() : undefined;
  const name = segments.join('/');
  if (name === '') throw new VaultReferenceError(text, 'the secret name is missing');
  const key = last === undefined || last === '' ? null : last;

  let prefix = '';
  for (const [option, value] of url.searchParams) {
    if (option !== 'prefix') {
      throw new VaultReferenceError(text, `unknown option '${option}': the env vault takes only 'prefix'`);
    }
    prefix = value;
  }

  const version = versionOf(text, url.hash);
  const variable = `${prefix}${name.replaceAll('-', '_')}`.toUpperCase() + (version === 2 ? '_PREVIOUS' : '');
  if (/[=\0]/.test(variable)) {
    throw new VaultReferenceError(text, `'${variable}' cannot be the name of an environment variable`);
  }
  return { text, variable, key };
}

function decode(reference: string, segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new VaultReferenceError(reference, `'${segment}' is not validly percent-encoded`);
  }
}

// The env vault keeps two versions of a secret: the value (1) and the previous one (2).
function versionOf(reference: string, hash: string): 1 | 2 | null {
  if (hash === '') return null;
  if (hash === '#1') return 1;
  if (hash === '#2') return 2;
  throw new VaultReferenceError(reference, `version '${hash.slice(1)}' is not 1 or 2`);
}
