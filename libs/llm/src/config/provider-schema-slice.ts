import type { ProviderDriver } from '@switchyard/plugin-api';

/** What a provider adds to the shared `llm` schema: its `model.options` members and Kong's checks. */
export type ProviderSchemaSlice = Pick<ProviderDriver, 'id' | 'optionFields' | 'configChecks'>;
