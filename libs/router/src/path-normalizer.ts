const DOT = 0x2e;
const SLASH = 0x2f;

/**
 * Kong's `normalize(path, true)` (`kong/tools/uri.lua`), which the router applies before matching:
 * percent-encoded unreserved characters are decoded, other triplets get upper-case hex, dot segments
 * are removed and repeated slashes merged. Kong also decodes characters that are neither reserved nor
 * unreserved (space, non-ASCII bytes); this keeps them encoded so the result stays safe to send upstream.
 * Returns `path` itself when it is already normal, which is the common case and allocates nothing.
 */
export function normalizePath(path: string): string {
  const decoded = path.indexOf('%') === -1 ? path : normalizePercentTriplets(path);
  return needsSegmentCleanup(decoded) ? removeDotSegments(decoded) : decoded;
}

/**
 * Kong's `sanitize_uri_postfix`: the rest of the path after a stripped prefix loses a leading `./` or
 * `../`, and a bare `.` or `..` becomes empty.
 */
export function sanitizePostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return '';
  if (postfix.startsWith('./')) return postfix.slice(2);
  if (postfix.startsWith('../')) return postfix.slice(3);
  return postfix;
}

function normalizePercentTriplets(path: string): string {
  let out = '';
  let copiedUpTo = 0;
  let at = path.indexOf('%');
  while (at !== -1 && at + 2 < path.length) {
    const high = hexValue(path.charCodeAt(at + 1));
    const low = hexValue(path.charCodeAt(at + 2));
    if (high === -1 || low === -1) {
      at = path.indexOf('%', at + 1);
      continue;
    }
    const code = high * 16 + low;
    let replacement: string | undefined;
    if (isUnreserved(code)) {
      replacement = String.fromCharCode(code);
    } else if (isLowerHexLetter(path.charCodeAt(at + 1)) || isLowerHexLetter(path.charCodeAt(at + 2))) {
      replacement = path.slice(at, at + 3).toUpperCase();
    }
    if (replacement !== undefined) {
      out += path.slice(copiedUpTo, at) + replacement;
      copiedUpTo = at + 3;
    }
    at = path.indexOf('%', at + 3);
  }
  return copiedUpTo === 0 ? path : out + path.slice(copiedUpTo);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function isLowerHexLetter(code: number): boolean {
  return code >= 0x61 && code <= 0x66;
}

/** RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(code: number): boolean {
  const lower = code | 0x20;
  return (
    (lower >= 0x61 && lower <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === DOT ||
    code === 0x5f ||
    code === 0x7e
  );
}

/** True when the path has a `.` or `..` segment or a `//`, the only cases the cleanup changes. */
function needsSegmentCleanup(path: string): boolean {
  if (path.length === 0) return false;
  if (path.charCodeAt(0) !== SLASH) return true;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) !== SLASH) continue;
    const next = path.charCodeAt(i + 1);
    if (next === SLASH) return true;
    if (next !== DOT) continue;
    const afterDot = path.charCodeAt(i + 2);
    if (Number.isNaN(afterDot) || afterDot === SLASH) return true;
    if (afterDot === DOT) {
      const afterDots = path.charCodeAt(i + 3);
      if (Number.isNaN(afterDots) || afterDots === SLASH) return true;
    }
  }
  return false;
}

// A port of Kong's loop, which is RFC 3986 section 5.2.4 plus merging of `//`; only unusual paths get here.
function removeDotSegments(path: string): string {
  const output: string[] = [];
  let rest = path;
  while (rest.length > 0) {
    if (rest === '/.') {
      rest = '/';
    } else if (rest === '/..') {
      rest = '/';
      output.pop();
    } else if (rest === '.' || rest === '..') {
      rest = '';
    } else if (rest.startsWith('../')) {
      rest = rest.slice(3);
    } else if (rest.startsWith('./')) {
      rest = rest.slice(2);
    } else if (rest.startsWith('/./')) {
      rest = rest.slice(2);
    } else if (rest.startsWith('/../')) {
      rest = rest.slice(3);
      output.pop();
    } else if (rest.startsWith('//')) {
      rest = rest.slice(1);
    } else {
      const end = rest.indexOf('/', 1);
      output.push(end === -1 ? rest : rest.slice(0, end));
      rest = end === -1 ? '' : rest.slice(end);
    }
  }
  return output.join('');
}
