export {
  isVaultReference,
  parseVaultReference,
  VaultReferenceError,
  type VaultReference,
} from './vault-reference.js';
export {
  resolveConfigReferences,
  type ResolvedConfig,
  type SecretEnvironment,
  type UnresolvedReference,
} from './config-references.js';
