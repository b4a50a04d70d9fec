/**
 * The `config` of one `key-auth` plugin entity, as `keyAuthSchema` describes it, validated and
 * with defaults filled by the time it reaches `createHandler`.
 */
export interface KeyAuthConfig {
  /** Header, query parameter and body member names the key may come in, tried in order. */
  readonly key_names: readonly string[];
  readonly hide_credentials: boolean;
  /** Consumer id or username used when no valid key is sent; null: refuse with 401. */
  readonly anonymous: string | null;
  readonly key_in_header: boolean;
  readonly key_in_query: boolean;
  readonly key_in_body: boolean;
  readonly run_on_preflight: boolean;
  /** The `WWW-Authenticate` challenge's realm; null: none. */
  readonly realm: string | null;
}
