/**
 * Gemini's wire shapes (`generateContent` of the Gemini API and of Vertex AI), as far as the
 * translations write them. Answers are read defensively, member by member, not through these.
 */

/** Bytes sent inline, base64. */
export interface GeminiInlineData {
  readonly mimeType: string;
  readonly data: string;
}

/** A file Gemini fetches itself (an `https:` or `gs:` URI, an uploaded file's URI). */
export interface GeminiFileData {
  readonly fileUri: string;
  readonly mimeType?: string;
}

/** A call the model made: `args` is the arguments object. */
export interface GeminiFunctionCall {
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** A function's result, sent back in the turn after the call. */
export interface GeminiFunctionResponse {
  readonly name: string;
  readonly response: Readonly<Record<string, unknown>>;
}

/** One part of a turn: exactly one of its members is set. */
export type GeminiPart =
  | { readonly text: string }
  | { readonly inlineData: GeminiInlineData }
  | { readonly fileData: GeminiFileData }
  | { readonly functionCall: GeminiFunctionCall }
  | { readonly functionResponse: GeminiFunctionResponse };

/** One turn of the conversation: Gemini knows `user` and `model`. */
export interface GeminiContent {
  readonly role: 'user' | 'model';
  readonly parts: readonly GeminiPart[];
}

/** Gemini's `Schema`: the OpenAPI 3.0 subset that function parameters are declared in. */
export type GeminiSchema = Readonly<Record<string, unknown>>;

export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: GeminiSchema;
}

/** `toolConfig.functionCallingConfig`: whether the model may, must or must not call functions. */
export interface GeminiFunctionCallingConfig {
  readonly mode: 'AUTO' | 'ANY' | 'NONE';
  readonly allowedFunctionNames?: readonly string[];
}
