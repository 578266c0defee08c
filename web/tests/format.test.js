import { describe, it, expect } from 'vitest';
import { formatTime, deadlineText, percent, maskPhone, normalizeTrackingCode, statusTagType, addDays } from '../src/lib/format.js';

describe('formatTime', () => {
  it('shows China time whatever the offset of the input', () => {
    expect(formatTime('2026-11-27T06:48:12.671+08:00')).toBe('2026-11-27 06:48');
    expect(formatTime('2026-11-26T22:48:12Z')).toBe('2026-11-27 06:48');
  });
  it('keeps what it cannot parse and marks a missing time', () => {
    expect(formatTime('soon')).toBe('soon');
    expect(formatTime(null)).toBe('—');
  });
});

describe('deadlineText', () => {
  const now = Date.parse('2026-11-27T00:00:00Z');
  it('counts down days and hours', () => {
    expect(deadlineText('2026-11-29T03:30:00Z', now)).toBe('剩余 2 天 3 小时');
    expect(deadlineText('2026-11-29T03:30:00Z', now, 'en')).toBe('2 d 3 h left');
  });
  it('says how late an overdue case is, in minutes under an hour', () => {
    expect(deadlineText('2026-11-26T23:15:00Z', now)).toBe('超时 45 分钟');
    expect(deadlineText('2026-11-26T21:00:00Z', now, 'en')).toBe('3 h 0 min overdue');
  });
});

describe('addDays', () => {
  it('crosses months and years, and back', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('bad', 1)).toBe('bad');
  });
});

describe('small formatters', () => {
  it('percent', () => {
    expect(percent(0.8734)).toBe('87.3%');
    expect(percent(1, 0)).toBe('100%');
    expect(percent(null)).toBe('—');
  });
  it('maskPhone keeps the first three and last four digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('138****8000')).toBe('138****8000');
  });
  it('normalizeTrackingCode regroups what people type', () => {
    expect(normalizeTrackingCode(' zdt8 sjag-eszv ')).toBe('ZDT8-SJAG-ESZV');
    expect(normalizeTrackingCode('')).toBe('');
  });
  it('statusTagType gives every state a colour', () => {
    expect(statusTagType('closed')).toBe('success');
    expect(statusTagType('reopened')).toBe('danger');
    expect(statusTagType('unknown')).toBe('info');
  });
});
