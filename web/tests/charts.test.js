import { describe, it, expect } from 'vitest';
import { trendOption, categoryOption, ratesOption, mapOption, countsByKey, rateValue } from '../src/lib/charts.js';
import { feedCounts, barOption } from '../src/lib/publicFeed.js';
import { queuesFor, queueCount } from '../src/lib/queues.js';

describe('chart options', () => {
  it('trend fills the days without cases with zeros, to exclusive', () => {
    const o = trendOption([{ day: '2026-11-02', count: 4 }], { from: '2026-11-01', to: '2026-11-04', seriesName: 'n' });
    expect(o.xAxis.data).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(o.series[0].data).toEqual([0, 4, 0]);
  });
  it('category ring keeps the largest slices and their codes, the rest as one', () => {
    const rows = [{ category: 'A', count: 1 }, { category: 'B', count: 5 }, { category: 'C', count: 3 }];
    const o = categoryOption(rows, (c) => 'n' + c, { top: 2, otherLabel: '其他' });
    expect(o.series[0].data).toEqual([{ name: 'nB', value: 5, code: 'B' }, { name: 'nC', value: 3, code: 'C' }, { name: '其他', value: 1, code: null }]);
  });
  it('rates as percentages, from numbers or {rate} objects, null staying null', () => {
    const rows = [{ unit: 'D1', response: { rate: 0.5, numerator: 1, denominator: 2 }, resolution: 0.755, satisfaction: null }];
    const o = ratesOption(rows, (c) => c + '!', { response: 'r', resolution: 's', satisfaction: 'm' });
    expect(o.xAxis.data).toEqual(['D1!']);
    expect(o.series.map((s) => s.data[0])).toEqual([50, 75.5, null]);
    expect(o.units).toEqual(['D1']);
    expect(rateValue(undefined)).toBe(null);
  });
  it('map colours grids by count', () => {
    const o = mapOption('m', [{ grid: 'G1', count: 3 }, { grid: 'G2', count: 7 }], (c) => c, 'n');
    expect(o.series[0].map).toBe('m');
    expect(o.series[0].data).toEqual([{ name: 'G1', value: 3 }, { name: 'G2', value: 7 }]);
    expect(o.visualMap.max).toBe(7);
  });
  it('counts by key add up rows', () => {
    expect(countsByKey([{ status: 'closed', count: 2 }, { status: 'closed', count: 1 }, { status: 'handled', count: 4 }], 'status')).toEqual({ closed: 3, handled: 4 });
  });
  it('public feed summaries', () => {
    const rows = feedCounts([{ status: 'open' }, { status: 'closed' }, { status: 'open' }, {}], 'status');
    expect(rows).toEqual([{ name: 'open', count: 2 }, { name: 'closed', count: 1 }, { name: '—', count: 1 }]);
    expect(barOption(rows, 'n').yAxis.data).toEqual(['—', 'closed', 'open']);
  });
});

describe('queues', () => {
  it('each role sees its own queues', () => {
    const keys = (r) => queuesFor(r).map((q) => q.key);
    expect(keys(['department_handler'])).toEqual(['to_accept', 'to_handle', 'overdue', 'supervised', 'all']);
    expect(keys(['grid_worker'])).toEqual(['to_verify', 'overdue', 'all']);
    expect(keys(['resident'])).toEqual([]);
  });
  it('status queues are counted from status counts', () => {
    const [register] = queuesFor(['dispatcher']);
    expect(queueCount(register, { submitted: 3 })).toBe(3);
    expect(queueCount(queuesFor(['leader']).find((q) => q.key === 'overdue'), {})).toBe(null);
  });
});
