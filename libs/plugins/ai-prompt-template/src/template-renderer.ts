import { GatewayError } from '@switchyard/plugin-api';

/** Kong's placeholder: `{{name}}`, a name of ASCII letters, digits and underscores. */
const PLACEHOLDER = /\{\{([A-Za-z0-9_]+)\}\}/g;

/**
 * A template cut once (per config snapshot) into its literal text and its placeholders:
 * `literals[i]` comes before `names[i]`, and the last literal after the last placeholder.
 */
export interface CompiledTemplate {
  readonly name: string;
  readonly literals: readonly string[];
  readonly names: readonly string[];
}

export function compileTemplate(name: string, template: string): CompiledTemplate {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    names.push(match[1]!);
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  return { name, literals, names };
}

/**
 * A property as it goes into the template: escaped as the inside of a JSON string (quotes,
 * backslashes, control characters), so that in a string it stays that string's text and cannot
 * close it, add members or messages, or change a role (Kong's `sanitize_parameter`).
 */
function escapeProperty(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The request body `template` renders to with `properties` (Kong's `templater.render`): every
 * property must be a non-empty string (Kong's "only string arguments are supported"), every
 * placeholder must have its property ("missing template parameters: [a], [b]", in the
 * template's order), and the result must be a JSON object, which becomes the whole request.
 * @throws GatewayError 400 saying which of these failed
 */
export function renderTemplate(template: CompiledTemplate, properties: unknown): Record<string, unknown> {
  const values = escapedProperties(properties);
  const missing = [...new Set(template.names.filter((name) => !values.has(name)))];
  if (missing.length > 0)
    throw new GatewayError(
      400,
      `missing template parameters: ${missing.map((name) => `[${name}]`).join(', ')}`,
    );

  let text = template.literals[0]!;
  template.names.forEach((name, index) => (text += values.get(name)! + template.literals[index + 1]!));
  let rendered: unknown;
  try {
    rendered = JSON.parse(text);
  } catch {
    rendered = undefined;
  }
  if (typeof rendered !== 'object' || rendered === null || Array.isArray(rendered))
    throw new GatewayError(400, `template [${template.name}] did not render a JSON object`);
  return rendered as Record<string, unknown>;
}

function escapedProperties(properties: unknown): Map<string, string> {
  if (properties === undefined || properties === null) return new Map();
  if (typeof properties !== 'object' || Array.isArray(properties))
    throw new GatewayError(400, "'properties' must be a JSON object of strings");
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(properties)) {
    if (typeof value !== 'string' || value === '')
      throw new GatewayError(400, 'only string arguments are supported');
    values.set(name, escapeProperty(value));
  }
  return values;
}
