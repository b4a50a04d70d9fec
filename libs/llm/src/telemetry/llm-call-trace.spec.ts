import type { UpstreamCallTrace } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import {
  createStreamedAnswerRecorder,
  describeLlmRequest,
  describePreservedRequest,
  recordLlmAnswer,
} from './llm-call-trace.js';

const newTrace = (): UpstreamCallTrace => ({ name: undefined, attributes: {} });

describe('describeLlmRequest', () => {
  it('names the span {operation} {model} and records the provider, model and parameters sent', () => {
    const trace = newTrace();
    const request = makeProviderRequest({ provider: 'azure', name: 'gpt-4o', options: {} }, { stream: true });
    describeLlmRequest(trace, 'azure.ai.openai', request, {
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 512,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      seed: 42,
      n: 2,
      stop: 'END',
    });
    expect(trace.name).toBe('chat gpt-4o');
    expect(trace.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 512,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.frequency_penalty': 0.1,
      'gen_ai.request.presence_penalty': 0.2,
      'gen_ai.request.seed': 42,
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.stop_sequences': ['END'],
    });
  });

  it('calls a completions request text_completion and leaves out what the body does not set', () => {
    const trace = newTrace();
    const request = makeProviderRequest(
      { provider: 'cohere', name: 'command', options: {} },
      { routeType: 'llm/v1/completions' },
    );
    describeLlmRequest(trace, 'cohere', request, {
      prompt: 'hi',
      n: 1,
      stop: ['a', 3, 'b'],
      temperature: 'hot',
    });
    expect(trace.name).toBe('text_completion command');
    expect(trace.attributes).toEqual({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'cohere',
      'gen_ai.request.model': 'command',
      'gen_ai.request.stream': false,
      'gen_ai.request.stop_sequences': ['a', 'b'],
    });
  });

  it('takes max_completion_tokens when max_tokens is absent', () => {
    const trace = newTrace();
    describeLlmRequest(
      trace,
      'openai',
      makeProviderRequest({ provider: 'openai', name: 'o3', options: {} }),
      {
        messages: [],
        max_completion_tokens: 100,
      },
    );
    expect(trace.attributes['gen_ai.request.max_tokens']).toBe(100);
  });

  it('calls an embeddings request embeddings, with the encoding and the dimensions asked for', () => {
    const trace = newTrace();
    const request = makeProviderRequest(
      { provider: 'openai', name: 'text-embedding-3-small', options: {} },
      { routeType: 'llm/v1/embeddings', encodingFormat: 'base64' },
    );
    describeLlmRequest(trace, 'openai', request, { input: ['a', 'b'], dimensions: 256 });
    expect(trace.name).toBe('embeddings text-embedding-3-small');
    expect(trace.attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.request.stream': false,
      'gen_ai.request.encoding_formats': ['base64'],
      'gen_ai.embeddings.dimension.count': 256,
    });
  });

  it('records only the provider of a preserved request', () => {
    const trace = newTrace();
    describePreservedRequest(trace, 'mistral_ai');
    expect(trace).toEqual({ name: undefined, attributes: { 'gen_ai.provider.name': 'mistral_ai' } });
  });
});

describe('recordLlmAnswer', () => {
  it("records the answer's id, model, finish reasons and usage", () => {
    const trace = newTrace();
    recordLlmAnswer(trace, {
      id: 'chatcmpl-1',
      model: 'gpt-4o-2024-08-06',
      finishReasons: ['stop', 'length'],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    expect(trace.attributes).toEqual({
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
  });

  it('skips what the answer leaves out', () => {
    const trace = newTrace();
    recordLlmAnswer(trace, { id: '', finishReasons: [] });
    expect(trace.attributes).toEqual({});
  });
});

describe('createStreamedAnswerRecorder', () => {
  it('records the first chunk delay once, then what the frames report', () => {
    const trace = newTrace();
    const record = createStreamedAnswerRecorder(trace, performance.now() - 250);
    record({ events: [], id: 'chatcmpl-2', model: 'gpt-4o' });
    const firstChunk = trace.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(firstChunk).toBeGreaterThanOrEqual(0.25);
    expect(firstChunk).toBeLessThan(5);
    record({ events: [], text: 'hello' });
    record({ events: [], finishReason: 'stop' });
    record({ events: [], usage: { prompt_tokens: 5, completion_tokens: 2 } });
    expect(trace.attributes).toEqual({
      'gen_ai.response.time_to_first_chunk': firstChunk,
      'gen_ai.response.id': 'chatcmpl-2',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 2,
    });
  });
});
