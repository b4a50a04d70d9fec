export {
  validatePluginConfig,
  type ConfigFieldError,
  type ConfigFieldErrors,
  type ConfigValidationResult,
} from './config-validator.js';
export { schemaViolationMessage } from './schema-violation.formatter.js';
export { typeFormValues } from './form-values.js';
