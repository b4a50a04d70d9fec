export * from './openai-compatible.driver.js';
export * from './openai.request-map.js';
export * from './openai.response.js';
export * from './openai.stream.js';
export * from './stream-chunks.js';
export * from './json-shapes.js';
export * from './chat-content.js';
export * from './upstream-path.js';
