import { GatewayError } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { buildRequestContext } from '@switchyard/testing';
import { compileModelTemplate } from './template.resolver.js';

const ctx = buildRequestContext({
  url: '/azure/chat?arg_1=arg_value_here_1',
  headers: { 'from-header-1': 'header_value_here_1' },
  uriCaptures: { uri_cap_1: 'cap-value-here-1', uri_cap_2: 'cap_value_here_2' },
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
  // Kong's unit spec, but for the instance: Kong's `cap_value_here_1` is no DNS label, refused below.
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
        azure_instance: 'cap-value-here-1',
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
    expect(template.resolve(ctx).name).toBe('ft:cap-value-here-1:varg_value_here_1');
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

  describe('where a value lands', () => {
    /** The option `field` templated from the `x-value` header, resolved for a request sending `value`. */
    function resolveOption(options: Record<string, unknown>, value: string) {
      const template = compileModelTemplate({ provider: 'azure', options });
      return template.resolve(buildRequestContext({ headers: { 'x-value': value } })).options;
    }
    const fromHeader = '$(headers.x-value)';

    it.each(['127.0.0.1:18902#', 'evil.example', 'x%23', '-x', 'a'.repeat(64), ''])(
      'refuses %j as a host label with 400 naming the field and the template',
      (value) => {
        const error = errorOf(() => resolveOption({ azure_instance: fromHeader }, value));
        expect([error.status, error.message]).toEqual([
          400,
          "model.options.azure_instance: the value of $(headers.x-value) cannot be part of a host name; it must be a DNS label: 1 to 63 letters, digits and '-' (not first or last)",
        ]);
      },
    );

    it('takes a DNS label as a host label, also in nested records', () => {
      expect(resolveOption({ azure_instance: fromHeader }, 'My-Instance-01').azure_instance).toBe(
        'My-Instance-01',
      );
      expect(errorOf(() => resolveOption({ bedrock: { aws_region: fromHeader } }, 'a.b')).message).toMatch(
        /^model\.options\.bedrock\.aws_region: .* host name/,
      );
    });

    it.each(['..', '.', 'a/b', 'a%2Fb', 'a?b', ''])(
      'refuses %j as a path segment a driver places',
      (value) => {
        expect(errorOf(() => resolveOption({ azure_deployment_id: fromHeader }, value)).message).toBe(
          "model.options.azure_deployment_id: the value of $(headers.x-value) cannot be a URL path segment; it must be letters, digits, '-', '.', '_' or '~', and not '.' or '..'",
        );
      },
    );

    it('takes unreserved characters as a path segment', () => {
      expect(resolveOption({ azure_deployment_id: fromHeader }, 'gpt-4o.mini_1~x').azure_deployment_id).toBe(
        'gpt-4o.mini_1~x',
      );
    });

    it('in upstream_url, holds a value in the host to a DNS label', () => {
      const url = `https://${fromHeader}.example.com/v1/chat`;
      expect(resolveOption({ upstream_url: url }, 'eu-1').upstream_url).toBe(
        'https://eu-1.example.com/v1/chat',
      );
      expect(errorOf(() => resolveOption({ upstream_url: url }, 'evil.example#')).message).toMatch(
        /^model\.options\.upstream_url: the value of \$\(headers\.x-value\) cannot be part of a host name/,
      );
      expect(
        errorOf(() => resolveOption({ upstream_url: `https://api.example.com:${fromHeader}/` }, '1@evil'))
          .status,
      ).toBe(400);
    });

    it('in upstream_url, percent-encodes a value in the path into one segment, and refuses dot segments', () => {
      const url = `https://api.example.com/v1/${fromHeader}/completions`;
      expect(resolveOption({ upstream_url: url }, 'chat/../x?y=1#z').upstream_url).toBe(
        'https://api.example.com/v1/chat%2F..%2Fx%3Fy%3D1%23z/completions',
      );
      for (const dots of ['..', '.'])
        expect(errorOf(() => resolveOption({ upstream_url: url }, dots)).message).toBe(
          "model.options.upstream_url: the value of $(headers.x-value) cannot be '.' or '..' in a URL path; it would move the request to another path",
        );
    });

    it('in upstream_url, percent-encodes a value in the query, and refuses one in the scheme', () => {
      expect(
        resolveOption({ upstream_url: `https://api.example.com/v1?mode=${fromHeader}` }, 'a&b=c#d')
          .upstream_url,
      ).toBe('https://api.example.com/v1?mode=a%26b%3Dc%23d');
      expect(
        errorOf(() => resolveOption({ upstream_url: `${fromHeader}://api.example.com/` }, 'https')).message,
      ).toBe(
        'model.options.upstream_url: the value of $(headers.x-value) cannot stand in the scheme of a URL; a template may fill a host label, the path or the query',
      );
    });

    it('in upstream_path, percent-encodes each value', () => {
      expect(resolveOption({ upstream_path: `/v1/${fromHeader}` }, 'a/b').upstream_path).toBe('/v1/a%2Fb');
      expect(errorOf(() => resolveOption({ upstream_path: `/v1/${fromHeader}` }, '..')).status).toBe(400);
    });

    it('passes a query value as is (URLSearchParams encodes it where it is set)', () => {
      expect(resolveOption({ azure_api_version: fromHeader }, 'a&b=c').azure_api_version).toBe('a&b=c');
    });

    it.each(['gpt-4\r\nx-injected: 1', 'gpt-4\u0000', 'gpt-4-模型', 'gpt-é'])(
      'refuses %j as a model name, which also goes into a header',
      (value) => {
        const template = compileModelTemplate({ provider: 'openai', name: fromHeader });
        const error = errorOf(() => template.resolve(buildRequestContext({ headers: { 'x-value': value } })));
        expect([error.status, error.message]).toEqual([
          400,
          'model.name: the value of $(headers.x-value) may only hold printable ASCII characters (no CR, LF, NUL, other control characters or non-ASCII text)',
        ]);
      },
    );

    it('holds a header option (anthropic_version) to printable ASCII', () => {
      expect(errorOf(() => resolveOption({ anthropic_version: fromHeader }, 'a\nb')).status).toBe(400);
      expect(resolveOption({ anthropic_version: fromHeader }, '2023-06-01').anthropic_version).toBe(
        '2023-06-01',
      );
    });
  });
});
