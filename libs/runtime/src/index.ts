export * from './heap-defaults.js';
