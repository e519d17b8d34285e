import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDate, formatDateTime, secondsLeft } from './format';

describe('formatCountdown', () => {
  it('formats minutes and seconds', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(5)).toBe('0:05');
    expect(formatCountdown(75)).toBe('1:15');
    expect(formatCountdown(300)).toBe('5:00');
    expect(formatCountdown(3599)).toBe('59:59');
  });
  it('adds hours past one hour', () => {
    expect(formatCountdown(3600)).toBe('1:00:00');
    expect(formatCountdown(86399)).toBe('23:59:59');
  });
  it('rounds fractions up and clamps negatives', () => {
    expect(formatCountdown(4.2)).toBe('0:05');
    expect(formatCountdown(-3)).toBe('0:00');
  });
});

describe('secondsLeft', () => {
  it('counts down from the total', () => {
    expect(secondsLeft(90, 0)).toBe(90);
    expect(secondsLeft(90, 500)).toBe(90);
    expect(secondsLeft(90, 1000)).toBe(89);
    expect(secondsLeft(90, 89_001)).toBe(1);
    expect(secondsLeft(90, 120_000)).toBe(0);
  });
});

describe('dates', () => {
  it('formats a calendar date without shifting it', () => {
    expect(formatDate('1990-06-05', 'en')).toContain('1990');
    expect(formatDate('1990-06-05', 'en')).toContain('5');
    expect(formatDate('1990-06-05', 'id')).toMatch(/Juni/);
    expect(formatDate('not a date', 'id')).toBe('not a date');
  });
  it('formats an instant', () => {
    expect(formatDateTime('2025-01-02T03:04:05Z', 'en')).toMatch(/2025/);
    expect(formatDateTime('garbage', 'en')).toBe('garbage');
  });
});
