import { validateSync, type ValidationError } from 'class-validator';
import { MESSAGES } from './kong-field.validators.js';
import type { FieldErrors } from '../errors/kong-db-error.js';
import type { EntityDefinition } from './entity-definitions.js';
import type { EntityName, EntityTypes } from './entity.types.js';

/** Field errors of `candidate` against the entity's class-validator schema; `{}` when valid. */
export function validateEntityFields(
  definition: EntityDefinition,
  candidate: Record<string, unknown>,
): FieldErrors {
  const instance = Object.assign(new definition.schema(), candidate);
  const errors = validateSync(instance, {
    forbidNonWhitelisted: true,
    whitelist: true,
    forbidUnknownValues: false,
  });
  return Object.fromEntries(errors.map((error) => [error.property, messageOf(error)]));
}

/** One message per field, the most basic first: a missing field before a malformed one. */
function messageOf(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  if (constraints['whitelistValidation']) return MESSAGES.unknown;
  if (constraints['isDefined']) return MESSAGES.required;
  return Object.values(constraints)[0] ?? 'invalid value';
}

/** Field errors of a complete entity: each field, then (when those pass) the checks across fields. */
export function validateEntity<N extends EntityName>(
  definition: EntityDefinition<N>,
  entity: EntityTypes[N],
): FieldErrors {
  const fieldErrors = validateEntityFields(definition, entity as unknown as Record<string, unknown>);
  if (Object.keys(fieldErrors).length > 0) return fieldErrors;
  return definition.check?.(entity) ?? {};
}
