import { TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ChatMessage, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { geminiProvider } from './gemini.provider.js';

const chat = routeTranslation(geminiProvider, 'llm/v1/chat');
const request = (overrides: Partial<ProviderRequest> = {}, name = 'gemini-2.0-flash') =>
  makeProviderRequest({ provider: 'gemini', name, options: {} }, overrides);
const body = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const upstream = (client: ChatCompletionRequest, overrides?: Partial<ProviderRequest>, name?: string) =>
  chat.request(client, request(overrides, name)).body as Record<string, unknown>;
const refusal = (client: ChatCompletionRequest, overrides?: Partial<ProviderRequest>, name?: string) => {
  try {
    upstream(client, overrides, name);
  } catch (error) {
    expect(error).toBeInstanceOf(TranslationError);
    return (error as Error).message;
  }
  throw new Error('expected a TranslationError');
};
const call = (id: string, name: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
});

describe('gemini chat request', () => {
  it('sends no model, stream or headers (they are in the URL) and never changes the client body', () => {
    const client = body({ model: 'gemini-2.0-flash', stream: true, stop: 'END' });
    const translated = chat.request(client, request({ stream: true }));
    expect(translated).toEqual({
      body: {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        generationConfig: { stopSequences: ['END'] },
      },
    });
    expect(client.stop).toBe('END');
  });

  it("sends Gemini's own fields as given, its generationConfig under the mapped fields", () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
    const sent = upstream(
      body({
        safetySettings,
        generationConfig: { thinkingConfig: { thinkingBudget: 0 }, temperature: 2 },
        temperature: 0.5,
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      }),
    );
    expect(sent).toMatchObject({
      safetySettings,
      toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      generationConfig: { thinkingConfig: { thinkingBudget: 0 }, temperature: 0.5 },
    });
  });

  it("maps response_format: JSON mode, and a JSON schema in Gemini's subset", () => {
    expect(upstream(body({ response_format: { type: 'text' } }))).not.toHaveProperty('generationConfig');
    const schema = {
      type: 'object',
      properties: { n: { type: ['integer', 'null'] } },
      additionalProperties: false,
    };
    expect(
      upstream(body({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } })),
    ).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: { type: 'object', properties: { n: { type: 'integer', nullable: true } } },
      },
    });
    expect(refusal(body({ response_format: { type: 'grammar' } }))).toBe(
      "response_format type 'grammar' has no gemini equivalent",
    );
  });

  it('sends n as candidateCount for whole answers, and refuses more than one streamed answer', () => {
    expect(upstream(body({ n: 2 }))).toMatchObject({ generationConfig: { candidateCount: 2 } });
    expect(upstream(body({ n: 1 }), { stream: true })).not.toHaveProperty('generationConfig');
    expect(refusal(body({ n: 2 }), { stream: true })).toBe(
      'n greater than 1 cannot be streamed from gemini; ask for one answer per stream',
    );
  });

  it('sends audio inline, and refuses what Gemini cannot read', () => {
    const user = (content: ChatMessage['content']) => body({ messages: [{ role: 'user', content }] });
    expect(
      upstream(user([{ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }])),
    ).toMatchObject({
      contents: [{ parts: [{ inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } }] }],
    });
    expect(
      upstream(user([{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERg==' } }])),
    ).toMatchObject({
      contents: [{ parts: [{ inlineData: { mimeType: 'application/pdf', data: 'JVBERg==' } }] }],
    });
    expect(refusal(user([{ type: 'file', file: { file_id: 'file-1' } }]))).toBe(
      'a file part needs file_data (a base64 data: URL): gemini cannot read OpenAI file ids',
    );
    expect(refusal(user([{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }]))).toBe(
      'image_url data: URL must be base64 (data:<media type>;base64,<bytes>)',
    );
    expect(refusal(user(''))).toBe('messages[0] (role user) is empty; gemini refuses a turn without parts');
  });

  it('refuses a tool message that answers no earlier call, and arguments that are no JSON object', () => {
    expect(
      refusal(
        body({
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'tool', tool_call_id: 'call_9', content: 'x' },
          ],
        }),
      ),
    ).toBe("messages[1] (role tool) answers tool call 'call_9', which no earlier assistant message made");
    const assistant: ChatMessage = { role: 'assistant', content: null, tool_calls: [call('c', 'f', '[1]')] };
    expect(refusal(body({ messages: [{ role: 'user', content: 'hi' }, assistant] }))).toBe(
      "the arguments of tool call 'c' are not a JSON object: [1]",
    );
  });

  it('leaves an empty assistant turn out, and refuses the legacy function role', () => {
    expect(
      upstream(
        body({
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: '' },
            { role: 'user', content: 'b' },
          ],
        }),
      ).contents,
    ).toEqual([
      { role: 'user', parts: [{ text: 'a' }] },
      { role: 'user', parts: [{ text: 'b' }] },
    ]);
    expect(refusal(body({ messages: [{ role: 'function', name: 'f', content: 'x' }] }))).toBe(
      "messages[0] has role 'function', which gemini does not take (use tools and tool messages)",
    );
  });

  it('refuses a system prompt for gemini-1.0 models, as Kong does', () => {
    const withSystem = body({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(refusal(withSystem, {}, 'gemini-1.0-pro')).toBe(
      "system prompts aren't supported on gemini-1.0 models",
    );
  });

  it('sends tool_choice only with tools (Gemini takes a function calling mode only for declared functions)', () => {
    expect(upstream(body({ tool_choice: 'auto' }))).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
    expect(upstream(body({ tools: [], tool_choice: 'none' }))).not.toHaveProperty('toolConfig');
  });

  it('refuses tools that are not functions and tool_choice values Gemini has no mode for', () => {
    expect(refusal(body({ tools: [{ type: 'web_search' } as never] }))).toBe(
      'only function tools ({"type":"function","function":{"name",...}}) are supported by gemini',
    );
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(refusal(body({ tools, tool_choice: { type: 'custom' } as never }))).toBe(
      'tool_choice must be none, auto, required or {"type":"function","function":{"name"}}, not {"type":"custom"}',
    );
    expect(upstream(body({ tools, tool_choice: 'none' }))).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
      toolConfig: { functionCallingConfig: { mode: 'NONE' } },
    });
  });
});
