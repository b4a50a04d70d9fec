import type { RecordField } from './config-schema.js';
import type { PluginName } from './ids.js';

/**
 * A gateway plugin, as Kong defines one: a name, a priority (higher runs first) and the schema
 * of its `config`. The Admin API validates every plugin entity's `config` against `schema`
 * (filling defaults); the proxy runs the plugin's phases on the routes it is attached to.
 */
export interface PluginDefinition {
  readonly name: PluginName;
  /** Kong's priority: plugins run in descending order. */
  readonly priority: number;
  /** The schema of `config`: a record whose fields are the plugin's options. */
  readonly schema: RecordField;
}
