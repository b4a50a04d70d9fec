import { describe, expect, it } from 'vitest';
import { normalizePath, sanitizePostfix } from './path-normalizer.js';

describe('normalizePath', () => {
  it('returns an already normal path unchanged', () => {
    expect(normalizePath('/openai/v1/chat/gpt-4.1')).toBe('/openai/v1/chat/gpt-4.1');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('/a/')).toBe('/a/');
  });

  it('decodes percent-encoded unreserved characters in either hex case', () => {
    expect(normalizePath('/%6Fpen%61i/%7e%2D%5f%2E')).toBe('/openai/~-_.');
  });

  it('keeps reserved and other characters encoded, with upper-case hex', () => {
    expect(normalizePath('/a%2fb%3a%20c')).toBe('/a%2Fb%3A%20c');
    expect(normalizePath('/a%2Fb')).toBe('/a%2Fb');
  });

  it('leaves a stray percent sign alone', () => {
    expect(normalizePath('/100%/x%4')).toBe('/100%/x%4');
  });

  it('removes dot segments, including encoded ones', () => {
    expect(normalizePath('/a/./b/../c')).toBe('/a/c');
    expect(normalizePath('/a/%2e%2E/b')).toBe('/b');
    expect(normalizePath('/a/b/..')).toBe('/a/');
    expect(normalizePath('/a/.')).toBe('/a/');
  });

  it('does not climb above the root', () => {
    expect(normalizePath('/../../a')).toBe('/a');
  });

  it('merges repeated slashes', () => {
    expect(normalizePath('//a///b//')).toBe('/a/b/');
  });

  it('treats dots inside a segment as ordinary characters', () => {
    expect(normalizePath('/a../.b/c.')).toBe('/a../.b/c.');
  });
});

describe('sanitizePostfix', () => {
  it('drops a leading ./ or ../ and empties bare dots', () => {
    expect(sanitizePostfix('./x')).toBe('x');
    expect(sanitizePostfix('../x')).toBe('x');
    expect(sanitizePostfix('..')).toBe('');
    expect(sanitizePostfix('/x')).toBe('/x');
  });
});
