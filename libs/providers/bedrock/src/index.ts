export { bedrockProvider } from './bedrock.provider.js';
