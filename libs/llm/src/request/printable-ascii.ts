/** Visible ASCII, space and tab: what a header value may safely hold, in any client and proxy. */
const PRINTABLE_ASCII = /^[\t\x20-\x7e]*$/;

/**
 * Whether `value` holds only printable ASCII (tab included): no CR, LF, NUL, other control
 * characters or non-ASCII text. Values that go into a header (`X-Kong-LLM-Model`) must.
 */
export function isPrintableAscii(value: string): boolean {
  return PRINTABLE_ASCII.test(value);
}
