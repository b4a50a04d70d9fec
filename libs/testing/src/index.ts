export * from './databases/test-database.js';
export * from './mock-providers/index.js';
export * from './provider-fixtures/index.js';
export * from './http/admin-client.js';
export * from './processes/app-process.js';
export * from './gateway/standalone-gateway.js';
