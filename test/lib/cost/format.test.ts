import { describe, expect, it } from 'vitest';
import { formatCount, formatLineUsd, formatPrice, formatUsd } from '../../../lib/cost/format';

describe('formatUsd', () => {
  it.each([
    [0, {}, '$0.00'],
    [1234.5, {}, '$1,234.50'],
    [1234.5, { grouping: false }, '$1234.50'],
    [1575.374, { grouping: false }, '$1575.37'],
    [2000.125, { grouping: false }, '$2000.13'],
    [-0.5, {}, '-$0.50'],
    [-1234.567, {}, '-$1,234.57'],
    // The sign follows the rounded amount: nothing rounds to a negative zero.
    [-0.001, {}, '$0.00'],
    [-0.001, { signed: true }, '$0.00'],
    [1.75, { signed: true }, '+$1.75'],
    [-8.45, { signed: true, grouping: false }, '-$8.45'],
    [54321.129, { signed: true }, '+$54,321.13'],
  ] as const)('writes %d with %j as %s', (usd, format, text) => {
    expect(formatUsd(usd, format)).toBe(text);
  });
});

describe('formatLineUsd', () => {
  it.each([
    [0, '$0.00'],
    [0.004999, '<$0.01'],
    [0.005, '$0.01'],
    [1445.4, '$1,445.40'],
    [-0.001, '$0.00'],
  ])('writes %d as %s', (usd, text) => {
    expect(formatLineUsd(usd)).toBe(text);
  });
});

describe('formatPrice', () => {
  it('keeps every digit of the price table', () => {
    expect(formatPrice(0.0000133334)).toBe('$0.0000133334');
    expect(formatPrice(0.99)).toBe('$0.99');
    expect(formatPrice(1)).toBe('$1');
  });
});

describe('formatCount', () => {
  it.each([
    [1_000_000, '1,000,000'],
    [30.416666666666668, '30.4167'],
    [0.0000572204589844, '0.0001'],
    [0.25, '0.25'],
  ])('writes %d as %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
});
