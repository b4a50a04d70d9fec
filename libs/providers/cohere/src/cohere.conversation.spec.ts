import { TranslationError } from '@switchyard/plugin-api';
import type { ChatMessage } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { cohereConversation } from './cohere.conversation.js';

const weatherCall = (id: string, city: string) => ({
  id,
  type: 'function' as const,
  function: { name: 'get_weather', arguments: JSON.stringify({ city }) },
});

describe('cohereConversation', () => {
  it('makes the leading system and developer messages the preamble, and keeps a later one as a SYSTEM turn', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a mathematician.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in digits.' }] },
      { role: 'user', content: 'What is 1 + 2?' },
      { role: 'assistant', content: '3' },
      { role: 'system', content: 'Now be verbose.' },
      { role: 'user', content: 'Multiply that by 2' },
    ];
    expect(cohereConversation(messages)).toEqual({
      preamble: 'You are a mathematician.\nAnswer in digits.',
      chat_history: [
        { role: 'USER', message: 'What is 1 + 2?' },
        { role: 'CHATBOT', message: '3' },
        { role: 'SYSTEM', message: 'Now be verbose.' },
      ],
      message: 'Multiply that by 2',
    });
  });

  it('sends a body of system messages only as a message, so that Cohere has something to answer', () => {
    expect(cohereConversation([{ role: 'system', content: 'Say hi.' }])).toEqual({ message: 'Say hi.' });
  });

  it('sends trailing tool messages as tool_results with an empty message, each paired with its call', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Oslo and Paris?' },
      { role: 'assistant', content: null, tool_calls: [weatherCall('a', 'Oslo'), weatherCall('b', 'Paris')] },
      { role: 'tool', tool_call_id: 'b', content: '{"temperature":18}' },
      { role: 'tool', tool_call_id: 'a', content: [{ type: 'text', text: 'cold' }] },
    ];
    expect(cohereConversation(messages)).toEqual({
      chat_history: [
        { role: 'USER', message: 'Weather in Oslo and Paris?' },
        {
          role: 'CHATBOT',
          message: '',
          tool_calls: [
            { name: 'get_weather', parameters: { city: 'Oslo' } },
            { name: 'get_weather', parameters: { city: 'Paris' } },
          ],
        },
      ],
      message: '',
      tool_results: [
        { call: { name: 'get_weather', parameters: { city: 'Paris' } }, outputs: [{ temperature: 18 }] },
        { call: { name: 'get_weather', parameters: { city: 'Oslo' } }, outputs: [{ output: 'cold' }] },
      ],
    });
  });

  it('keeps earlier tool results in chat_history as one TOOL turn, and a JSON list of objects as the outputs', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Looking it up.', tool_calls: [weatherCall('a', 'Oslo')] },
      { role: 'tool', tool_call_id: 'a', content: '[{"hour":1,"t":3},{"hour":2,"t":4}]' },
      { role: 'assistant', content: 'It is 3 degrees.' },
      { role: 'user', content: 'Thanks' },
    ];
    expect(cohereConversation(messages).chat_history).toEqual([
      { role: 'USER', message: 'Weather?' },
      {
        role: 'CHATBOT',
        message: 'Looking it up.',
        tool_calls: [{ name: 'get_weather', parameters: { city: 'Oslo' } }],
      },
      {
        role: 'TOOL',
        tool_results: [
          {
            call: { name: 'get_weather', parameters: { city: 'Oslo' } },
            outputs: [
              { hour: 1, t: 3 },
              { hour: 2, t: 4 },
            ],
          },
        ],
      },
      { role: 'CHATBOT', message: 'It is 3 degrees.' },
    ]);
  });

  it('refuses a tool message that answers no earlier call, and arguments that are not a JSON object', () => {
    expect(() =>
      cohereConversation([
        { role: 'user', content: 'Hi' },
        { role: 'tool', tool_call_id: 'nope', content: 'x' },
      ]),
    ).toThrow(
      new TranslationError(
        "tool message with tool_call_id 'nope' answers no tool call of an earlier assistant message",
      ),
    );
    const badArguments = { id: 'a', type: 'function' as const, function: { name: 'f', arguments: '[1]' } };
    expect(() =>
      cohereConversation([
        { role: 'assistant', content: null, tool_calls: [badArguments] },
        { role: 'user', content: 'go on' },
      ]),
    ).toThrow(new TranslationError("the arguments of tool call 'a' (f) must be a JSON object for cohere"));
  });

  it('fails without messages, or with one that is not an object', () => {
    const invalid = new TranslationError("request body doesn't contain valid prompts");
    expect(() => cohereConversation([])).toThrow(invalid);
    expect(() => cohereConversation(['Hi'] as unknown as ChatMessage[])).toThrow(invalid);
  });
});
