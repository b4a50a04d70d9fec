import { GatewayError } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { buildRequestContext } from '@switchyard/testing';
import { compileModelTemplate } from './template.resolver.js';

const ctx = buildRequestContext({
  url: '/azure/chat?arg_1=arg_value_here_1',
  headers: { 'from-header-1': 'header_value_here_1' },
  uriCaptures: { uri_cap_1: 'cap_value_here_1', uri_cap_2: 'cap_value_here_2' },
});

function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('compileModelTemplate', () => {
  it('resolves options from URI captures, headers and query parameters (Kong unit spec)', () => {
    const template = compileModelTemplate({
      provider: 'azure',
      name: 'gpt-3.5-turbo',
      options: {
        max_tokens: 256,
        temperature: 1.0,
        azure_instance: '$(uri_captures.uri_cap_1)',
        azure_deployment_id: '$(headers.from-header-1)',
        azure_api_version: '$(query_params.arg_1)',
      },
    });
    expect(template.resolve(ctx)).toEqual({
      name: 'gpt-3.5-turbo',
      options: {
        max_tokens: 256,
        temperature: 1,
        azure_instance: 'cap_value_here_1',
        azure_deployment_id: 'header_value_here_1',
        azure_api_version: 'arg_value_here_1',
      },
    });
  });

  it('resolves the model name from a URI capture', () => {
    const template = compileModelTemplate({ provider: 'openai', name: '$(uri_captures.uri_cap_2)' });
    expect(template.resolve(ctx).name).toBe('cap_value_here_2');
  });

  it('reads headers case-insensitively, with underscores standing for dashes (as Kong)', () => {
    const template = compileModelTemplate({ provider: 'openai', name: '$(headers.From_Header_1)' });
    expect(template.resolve(ctx).name).toBe('header_value_here_1');
  });

  it('replaces a template where it stands, keeping the text around it', () => {
    const template = compileModelTemplate({
      provider: 'openai',
      name: 'ft:$(uri_captures.uri_cap_1):v$(query_params.arg_1)',
    });
    expect(template.resolve(ctx).name).toBe('ft:cap_value_here_1:varg_value_here_1');
  });

  it('resolves templates inside nested option records', () => {
    const template = compileModelTemplate({
      provider: 'gemini',
      options: { gemini: { api_endpoint: 'x', project_id: '$(headers.from-header-1)', location_id: 'eu' } },
    });
    expect(template.resolve(ctx).options.gemini).toEqual({
      api_endpoint: 'x',
      project_id: 'header_value_here_1',
      location_id: 'eu',
    });
  });

  it("answers 400 'uri_captures key uri_cap_3 was not provided' for a missing capture (Kong unit spec)", () => {
    const template = compileModelTemplate({
      provider: 'azure',
      options: { azure_instance: '$(uri_captures.uri_cap_3)' },
    });
    const error = errorOf(() => template.resolve(ctx));
    expect([error.status, error.message]).toEqual([400, 'uri_captures key uri_cap_3 was not provided']);
  });

  it('answers 400 for a missing header or query parameter', () => {
    expect(
      errorOf(() => compileModelTemplate({ provider: 'openai', name: '$(headers.x-model)' }).resolve(ctx))
        .message,
    ).toBe('headers key x-model was not provided');
    expect(
      errorOf(() => compileModelTemplate({ provider: 'openai', name: '$(query_params.m)' }).resolve(ctx))
        .message,
    ).toBe('query_params key m was not provided');
  });

  it('answers 400 "cannot parse expression for field \'…\'" for an expression that is not <source>.<key>', () => {
    const name = compileModelTemplate({ provider: 'openai', name: '$(headers)' });
    expect(errorOf(() => name.resolve(ctx)).message).toBe("cannot parse expression for field 'model.name'");
    const option = compileModelTemplate({ provider: 'azure', options: { azure_instance: '$(headers.a.b)' } });
    expect(errorOf(() => option.resolve(ctx)).message).toBe(
      "cannot parse expression for field 'model.options.azure_instance'",
    );
  });

  it('answers 400 for a source Kong does not have', () => {
    const template = compileModelTemplate({ provider: 'openai', name: '$(body.model)' });
    expect(errorOf(() => template.resolve(ctx)).message).toBe("source 'body' is not supported");
  });

  it('treats names of object members as missing values, not as sources or keys', () => {
    expect(
      errorOf(() => compileModelTemplate({ provider: 'openai', name: '$(constructor.x)' }).resolve(ctx))
        .message,
    ).toBe("source 'constructor' is not supported");
    expect(
      errorOf(() =>
        compileModelTemplate({ provider: 'openai', name: '$(uri_captures.toString)' }).resolve(ctx),
      ).message,
    ).toBe('uri_captures key toString was not provided');
  });

  it('shares one answer between requests when nothing is templated', () => {
    const template = compileModelTemplate({ provider: 'openai', name: 'gpt-4o', options: { max_tokens: 5 } });
    expect(template.resolve(ctx)).toBe(template.resolve(buildRequestContext()));
    expect(template.resolve(ctx)).toEqual({ name: 'gpt-4o', options: { max_tokens: 5 } });
  });

  it('leaves the name undefined when none is configured', () => {
    expect(compileModelTemplate({ provider: 'openai', name: null, options: null }).resolve(ctx)).toEqual({
      name: undefined,
      options: {},
    });
  });
});
