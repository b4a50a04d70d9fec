/** One entry of a route's `hosts`, prepared for allocation-free comparison. */
export interface HostPattern {
  /** `exact` compares the whole name; `suffix` is `*.example.com`; `prefix` is `example.*`. */
  readonly kind: 'exact' | 'suffix' | 'prefix';
  /** Lower-case name, or the part beside the `*` (`.example.com`, `example.`). */
  readonly text: string;
  /** `:8000` when the entry names a port, which the request's `Host` must then carry. */
  readonly portSuffix: string | null;
}

/** Parses a route `hosts` entry; Kong allows a single `*` only at the start or the end. */
export function compileHostPattern(entry: string): HostPattern {
  const nameEnd = hostNameEnd(entry);
  const name = entry.slice(0, nameEnd).toLowerCase();
  const portSuffix = nameEnd < entry.length ? entry.slice(nameEnd) : null;
  if (name.startsWith('*')) return { kind: 'suffix', text: name.slice(1), portSuffix };
  if (name.endsWith('*')) return { kind: 'prefix', text: name.slice(0, -1), portSuffix };
  return { kind: 'exact', text: name, portSuffix };
}

/**
 * Where the host name ends in a `Host` value: before a `:port` of digits only (possibly empty), after
 * the `]` of a bracketed IPv6 literal, else at the end.
 */
export function hostNameEnd(host: string): number {
  if (host.charCodeAt(0) === 0x5b) {
    const close = host.indexOf(']');
    return close === -1 ? host.length : close + 1;
  }
  const colon = host.lastIndexOf(':');
  // A bare IPv6 address has several colons and no port.
  if (colon === -1 || host.indexOf(':') !== colon) return host.length;
  for (let i = colon + 1; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return host.length;
  }
  return colon;
}

/**
 * Whether `host` (a request `Host` whose name ends at `nameEnd`) matches the pattern. Names compare
 * ASCII case-insensitively, as DNS names do; a wildcard stands for at least one character.
 */
export function matchesHostPattern(pattern: HostPattern, host: string, nameEnd: number): boolean {
  if (pattern.portSuffix !== null) {
    if (
      host.length - nameEnd !== pattern.portSuffix.length ||
      !host.startsWith(pattern.portSuffix, nameEnd)
    ) {
      return false;
    }
  }
  const text = pattern.text;
  switch (pattern.kind) {
    case 'exact':
      return nameEnd === text.length && regionEqualsIgnoreCase(host, 0, text);
    case 'suffix':
      return nameEnd > text.length && regionEqualsIgnoreCase(host, nameEnd - text.length, text);
    case 'prefix':
      return nameEnd > text.length && regionEqualsIgnoreCase(host, 0, text);
  }
}

/**
 * Whether `value` holds `lowerText` at `offset`, folding ASCII upper case only (as Lua's `string.lower`
 * in Kong does). Compares in place so matching allocates nothing.
 */
export function regionEqualsIgnoreCase(value: string, offset: number, lowerText: string): boolean {
  if (offset + lowerText.length > value.length) return false;
  for (let i = 0; i < lowerText.length; i++) {
    let code = value.charCodeAt(offset + i);
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code !== lowerText.charCodeAt(i)) return false;
  }
  return true;
}
