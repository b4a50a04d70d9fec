import { describe, expect, it } from 'vitest';
import { isVaultReference, parseVaultReference, VaultReferenceError } from './vault-reference.js';

describe('parseVaultReference', () => {
  it("names the variable as Kong's env vault does: dashes to underscores, upper case", () => {
    expect(parseVaultReference('{vault://env/openai-api-key}')).toEqual({
      text: '{vault://env/openai-api-key}',
      variable: 'OPENAI_API_KEY',
      key: null,
    });
  });

  it('puts the prefix option before the name, then upper-cases the whole', () => {
    expect(parseVaultReference('{vault://env/openai-key?prefix=secret-}').variable).toBe('SECRET-OPENAI_KEY');
    expect(parseVaultReference('{vault://env/key?prefix=llm_}').variable).toBe('LLM_KEY');
  });

  it('reads a last path segment as the key of a JSON object, unless the path ends with /', () => {
    expect(parseVaultReference('{vault://env/openai/api-key}')).toMatchObject({
      variable: 'OPENAI',
      key: 'api-key',
    });
    expect(parseVaultReference('{vault://env/openai/}')).toMatchObject({ variable: 'OPENAI', key: null });
    expect(parseVaultReference('{vault://env/llm/openai/api-key}')).toMatchObject({
      variable: 'LLM/OPENAI',
      key: 'api-key',
    });
  });

  it('asks for the previous value with version 2, the current one with version 1', () => {
    expect(parseVaultReference('{vault://env/api-key#2}').variable).toBe('API_KEY_PREVIOUS');
    expect(parseVaultReference('{vault://env/api-key#1}').variable).toBe('API_KEY');
  });

  it('decodes percent-encoded segments', () => {
    expect(parseVaultReference('{vault://env/my%2Dkey/a%20b}')).toMatchObject({
      variable: 'MY_KEY',
      key: 'a b',
    });
  });

  it.each([
    [
      '{vault://aws/openai-key}',
      "unknown vault 'aws': this gateway resolves references from the environment only",
    ],
    ['{vault://env}', 'the secret name is missing'],
    ['{vault://env/}', 'the secret name is missing'],
    ['{vault://env//key}', 'the secret name is missing'],
    [
      '{vault://env/key?base64_decode=true}',
      "unknown option 'base64_decode': the env vault takes only 'prefix'",
    ],
    ['{vault://env/key#3}', "version '3' is not 1 or 2"],
    ['{vault://env/bad%ZZ}', "'bad%ZZ' is not validly percent-encoded"],
    ['{vault://env/a=b}', "'A=B' cannot be the name of an environment variable"],
    ['{vault://env:x/key}', 'it is not a URL'],
  ])('refuses %s, saying why', (reference, problem) => {
    expect(() => parseVaultReference(reference)).toThrow(VaultReferenceError);
    expect(() => parseVaultReference(reference)).toThrow(
      `invalid vault reference '${reference}': ${problem}`,
    );
  });
});

describe('isVaultReference', () => {
  it("is Kong's test: '{vault://' at the start and '}' at the end", () => {
    expect(isVaultReference('{vault://env/key}')).toBe(true);
    expect(isVaultReference('{vault://anything}')).toBe(true);
    expect(isVaultReference('Bearer {vault://env/key}')).toBe(false);
    expect(isVaultReference('{vault://env/key')).toBe(false);
  });
});
