import type { ClientBody, ProviderRequest } from '@switchyard/plugin-api';

/** How one client field reaches a provider: the members it adds to the upstream body (none: not sent). */
export type FieldMapping = (
  value: unknown,
  request: ProviderRequest,
) => Readonly<Record<string, unknown>> | undefined;

/**
 * A provider endpoint's allow-list of client fields: a field absent from the table is not sent.
 * Entries apply in the table's order, so that on a clash the later one wins (put the OpenAI
 * names, into which the configured options are merged, after the provider's own).
 */
export type FieldTable = Readonly<Record<string, FieldMapping>>;

/** A field sent under the provider's `name`, its value as the client gave it. */
export const sendAs =
  (name: string): FieldMapping =>
  (value) => ({ [name]: value });

/** Fields the provider shares with the client under the same names, sent as given. */
export function sentAsGiven(names: readonly string[]): FieldTable {
  return Object.fromEntries(names.map((name) => [name, sendAs(name)]));
}

/**
 * The upstream members a table makes of the client's fields: a field that is absent or `null`
 * counts as not sent. A new object; the client's body is never changed.
 */
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
