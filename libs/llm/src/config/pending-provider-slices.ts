import type { ProviderSchemaSlice } from './provider-schema-slice.js';

/**
 * The schema slices of Kong providers whose driver is not written yet, so that the Admin API
 * accepts their configs as Kong does (requests to them are answered "no transformer for
 * <provider>://<route_type>"). Each new driver lib takes its entry over (a registered driver's
 * slice always wins), and this list goes away with the last one.
 */
export const PENDING_PROVIDER_SLICES: readonly ProviderSchemaSlice[] = [
  {
    id: 'gemini',
    optionFields: {
      gemini: {
        type: 'record',
        description: 'Gemini on Vertex AI: set all three fields, or none for the Gemini API.',
        fields: {
          api_endpoint: { type: 'string', description: 'Regional Vertex AI API endpoint, host name only.' },
          project_id: { type: 'string', description: 'GCP project id that hosts the model.' },
          location_id: { type: 'string', description: 'GCP location (region) of the model.' },
        },
        entity_checks: [{ mutually_required: ['api_endpoint', 'project_id', 'location_id'] }],
      },
    },
  },
];
