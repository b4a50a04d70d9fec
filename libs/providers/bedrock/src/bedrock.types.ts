/**
 * Bedrock's Converse API shapes, as far as the gateway writes or reads them
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
 */

/** The image formats Converse reads. */
export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** What a tool result carries: JSON (an object) or text. */
export type BedrockToolResultContent =
  { readonly json: Readonly<Record<string, unknown>> } | { readonly text: string };

/** One content block of a message. Blobs travel base64-encoded in the JSON protocol. */
export type BedrockContentBlock =
  | { readonly text: string }
  | { readonly image: { readonly format: BedrockImageFormat; readonly source: { readonly bytes: string } } }
  | {
      readonly toolUse: {
        readonly toolUseId: string;
        readonly name: string;
        readonly input: Readonly<Record<string, unknown>>;
      };
    }
  | {
      readonly toolResult: {
        readonly toolUseId: string;
        readonly content: readonly BedrockToolResultContent[];
      };
    };

export interface BedrockMessage {
  readonly role: 'user' | 'assistant';
  readonly content: readonly BedrockContentBlock[];
}

export interface BedrockToolSpec {
  readonly toolSpec: {
    readonly name: string;
    readonly description?: string;
    readonly inputSchema: { readonly json: Readonly<Record<string, unknown>> };
  };
}

/** `toolConfig.toolChoice`: any tool, a tool of the model's choice, or the one named. */
export type BedrockToolChoice =
  | { readonly auto: Record<string, never> }
  | { readonly any: Record<string, never> }
  | { readonly tool: { readonly name: string } };
