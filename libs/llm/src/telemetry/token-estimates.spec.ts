import { describe, expect, it } from 'vitest';
import { countWords, estimateCompletionTokens, estimatePromptTokens } from './token-estimates.js';

describe('countWords', () => {
  it('counts runs of non-space characters, in strings and in text parts', () => {
    expect(countWords('  What is\t1 + 1?\n')).toBe(5);
    expect(
      countWords([
        { type: 'text', text: 'two words' },
        { type: 'image_url', image_url: { url: 'x y z' } },
      ]),
    ).toBe(2);
    expect(countWords(null)).toBe(0);
  });
});

describe('estimatePromptTokens', () => {
  const body = {
    messages: [
      { role: 'system', content: 'You are a mathematician.' },
      { role: 'user', content: 'What is 1 + 1?' },
    ],
  };

  it('counts words across messages, × 1.0 for a buffered request', () => {
    expect(estimatePromptTokens(body, 1)).toBe(9);
  });

  it('counts words × 1.8 for a stream, rounded half up', () => {
    expect(estimatePromptTokens(body, 1.8)).toBe(16); // 9 × 1.8 = 16.2
    expect(estimatePromptTokens({ prompt: 'one two three four five' }, 1.8)).toBe(9); // 5 × 1.8 = 9
    expect(estimatePromptTokens({ prompt: 'a b c d e f g h i j k l m n o p q r s t u v w x y' }, 1.8)).toBe(
      45,
    );
  });
});

describe('estimatePromptTokens for embeddings', () => {
  it('counts the words of a string input or of a list of strings', () => {
    expect(estimatePromptTokens({ input: 'The food was delicious' }, 1)).toBe(4);
    expect(estimatePromptTokens({ input: ['The food', 'was delicious and'] }, 1)).toBe(5);
  });

  it('counts token ids exactly, in one list or in several', () => {
    expect(estimatePromptTokens({ input: [9906, 1917, 0] }, 1)).toBe(3);
    expect(estimatePromptTokens({ input: [[9906, 1917], [0]] }, 1)).toBe(3);
  });
});

describe('estimateCompletionTokens', () => {
  it('takes a token per 4 bytes of trimmed text, rounded up', () => {
    expect(estimateCompletionTokens(' The ')).toBe(1);
    expect(estimateCompletionTokens('answer is')).toBe(3);
    expect(estimateCompletionTokens('  ')).toBe(0);
    expect(estimateCompletionTokens('ü')).toBe(1);
  });
});
