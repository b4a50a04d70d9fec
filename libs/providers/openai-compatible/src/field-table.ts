import type { ClientBody, ProviderRequest } from '@switchyard/plugin-api';

/** How one client field reaches a provider: the members it adds to the upstream body (none: not sent). */
export type FieldMapping = (
  value: unknown,
  request: ProviderRequest,
) => Readonly<Record<string, unknown>> | undefined;

/**
 * A provider's allow-list of client fields: a field absent from the table is not sent (providers
 * that refuse fields they do not know answer 422 to `stream_options`, `user`, ...). Entries apply
 * in order: on a clash the later one wins, so OpenAI's names (which the configured options set)
 * come after the provider's own.
 */
export type FieldTable = Readonly<Record<string, FieldMapping>>;

/** A field sent under the provider's name for it. */
export const sendAs =
  (name: string): FieldMapping =>
  (value) => ({ [name]: value });

/** The provider's own fields, sent as the client gave them (clients that know their route leads there). */
export function sentAsGiven(names: readonly string[]): FieldTable {
  return Object.fromEntries(names.map((name) => [name, sendAs(name)]));
}

/** The upstream members a table makes of the client's fields (a `null` field counts as absent). */
export function mapFields(
  client: ClientBody,
  table: FieldTable,
  request: ProviderRequest,
): Record<string, unknown> {
  const upstream: Record<string, unknown> = {};
  for (const [field, mapping] of Object.entries(table)) {
    const value = client[field];
    if (value !== undefined && value !== null) Object.assign(upstream, mapping(value, request));
  }
  return upstream;
}
