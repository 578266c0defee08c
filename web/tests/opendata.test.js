import { describe, it, expect } from 'vitest';
import { cellText, cellNumber, rateText, bytesText, rowName, casesBarOption, monthlyOption, ratesOption, previewUrl } from '../src/lib/opendata.js';

describe('open data cells', () => {
  it('shows numbers and suppressed cells', () => {
    expect(cellText(1234)).toBe('1,234');
    expect(cellText('<3')).toBe('<3');
    expect(cellText(null)).toBe('—');
    expect(cellNumber('<3')).toBe(0);
    expect(cellNumber(7)).toBe(7);
  });
  it('formats rates and bytes', () => {
    expect(rateText(0.8765)).toBe('87.7%');
    expect(rateText(1)).toBe('100.0%');
    expect(rateText(null)).toBe('—');
    expect(bytesText(null)).toBe('—');
    expect(bytesText(512)).toBe('512 B');
    expect(bytesText(2048)).toBe('2.0 KB');
  });
  it('names rows by language', () => {
    expect(rowName({ key: 'C01', name: '市容', name_en: 'City' }, 'en')).toBe('City');
    expect(rowName({ key: 'C01', name: '市容', name_en: 'City' }, 'zh-CN')).toBe('市容');
    expect(rowName({ key: '' }, 'zh-CN')).toBe('');
  });
});

describe('open data charts', () => {
  const rows = [
    { key: 'A', name: '甲', cases: 5, closed: '<3', response: { rate: 1 }, resolution: { rate: null }, satisfaction: { rate: 0.5 } },
    { key: 'B', name: '乙', cases: '<3', closed: 0, response: { rate: null }, resolution: { rate: null }, satisfaction: { rate: null } },
  ];
  it('plots suppressed cells as zero with their label', () => {
    const o = casesBarOption(rows, 'zh-CN', 'n');
    expect(o.yAxis.data).toEqual(['乙', '甲']);
    expect(o.series[0].data.map((d) => d.value)).toEqual([0, 5]);
    expect(o.series[0].data[0].label.formatter).toBe('<3');
  });
  it('orders months and leaves withheld rates as gaps', () => {
    const m = monthlyOption([{ key: '2026-02', cases: 4, closed: 3 }, { key: '2026-01', cases: '<3', closed: 0 }], { cases: 'c', closed: 'd' });
    expect(m.xAxis.data).toEqual(['2026-01', '2026-02']);
    expect(m.series[0].data).toEqual([0, 4]);
    const r = ratesOption(rows, 'zh-CN', { response: 'r', resolution: 's', satisfaction: 't' });
    expect(r.series[0].data).toEqual([100, null]);
    expect(r.series[2].data).toEqual([50, null]);
  });
  it('previews a paged dataset by its first page only', () => {
    const paged = { resources: [{ format: 'CSV', url: '/x.csv', page_limit_max: 20000 }, { format: 'JSON', url: '/x.json', page_limit_max: 20000 }] };
    expect(previewUrl(paged)).toBe('/x.json?limit=20');
    expect(previewUrl({ resources: [{ format: 'JSON', url: '/y.json' }] })).toBe('/y.json');
    expect(previewUrl({ resources: [] })).toBe(null);
  });
});
