export * from './describe-provider-fixtures.js';
export * from './fixture-frames.js';
export * from './provider-request.js';
