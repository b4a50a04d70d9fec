export * from './admin-api.module.js';
export * from './admin-api.options.js';
export * from './admin-entities.service.js';
export * from './admin-exception.filter.js';
export * from './admin-http.error.js';
export * from './create-admin-app.js';
export * from './clustering.controller.js';
export * from './data-plane-sync-status.js';
