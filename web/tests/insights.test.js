import { describe, it, expect, vi } from 'vitest';
import {
  debounce, monthEnd, warningItems, hotspotMapRows, hotspotText, recurringItems, topicItems, hotIssueText, qualityView, similarRows, CAPACITY_COLUMNS,
} from '../src/lib/insights.js';
import { departmentCounts, fetchFeed } from '../src/lib/publicFeed.js';

describe('decision-support answers', () => {
  it('volume warnings lead to the unit and category in the window; overdue ones to the overdue queue', () => {
    const answer = {
      date: '2026-11-27', window: 7,
      warnings: [
        { kind: 'volume', unit_type: 'street', unit: 'S1', unit_name: '湖滨街道', category: 'C01', category_name: '城乡建设', observed: 7,
          severity: 'high', explanation_zh: '中文说明', explanation_en: 'English' },
        { kind: 'overdue', unit_type: 'department', unit: 'D1', unit_name: '城管局', observed: 4, severity: 'medium', explanation: 'x' },
      ],
    };
    const [v, o] = warningItems(answer, false);
    expect(v.filter).toEqual({ queue: 'all', area: 'S1', category: 'C01', from: '2026-11-21', to: '2026-11-28' });
    expect(v.tagType).toBe('danger');
    expect(v.title).toBe('湖滨街道 · 城乡建设');
    expect(v.explanation).toBe('中文说明');
    expect(warningItems(answer, true)[0].explanation).toBe('English');
    expect(o.filter).toEqual({ queue: 'overdue', department: 'D1' });
    expect(o.tagType).toBe('warning');
    expect(o.explanation).toBe('x');
    expect(warningItems(null, false)).toEqual([]);
  });
  it('hotspot rows become map rows, hotspots kept apart, with their figures explained', () => {
    const answer = { rows: [{ place: 'G1', count: 4, hotspot: true }, { place: 'G2', count: 1, hotspot: false }] };
    const { rows, hot } = hotspotMapRows(answer);
    expect(rows).toEqual([{ grid: 'G1', count: 4 }, { grid: 'G2', count: 1 }]);
    expect([...hot]).toEqual(['G1']);
    const text = hotspotText({ count: 4, share: 0.2, lift: 2.04, place_total: 5 }, '环境', false);
    expect(text).toContain('20%');
    expect(text).toContain('2.0');
    expect(hotspotText({ count: 4, share: 0.2, lift: 2, place_total: 5 }, 'env', true)).toContain('4 of 5 cases here');
  });
  it('month ranges end at the next month, across a year', () => {
    expect(monthEnd('2026-11')).toBe('2026-12-01');
    expect(monthEnd('2026-12')).toBe('2027-01-01');
  });
  it('recurring problems carry the proposal in the language and their months as the filter', () => {
    const answer = { from_month: '2026-06', to_month: '2026-11', rows: [{ place: 'G1', name: '一网格', category: 'C01-01', category_name: '路灯',
      months_with_cases: 4, longest_run: 3, total: 9, series: [{ month: '2026-06', count: 2 }, { month: '2026-07', count: 0 }],
      proposal: { title_zh: '主动排查路灯', title_en: 'Check street lights' } }] };
    const [r] = recurringItems(answer, false);
    expect(r.title).toBe('主动排查路灯');
    expect(recurringItems(answer, true)[0].title).toBe('Check street lights');
    expect(r.series).toEqual([2, 0]);
    expect(r.filter).toEqual({ queue: 'all', area: 'G1', category: 'C01-01', from: '2026-06-01', to: '2026-12-01' });
    expect(r.explanation).toContain('4');
  });
  it('monthly topics cover the year and say why', () => {
    const [r] = topicItems({ year: 2026, mean_cases: 10, overall: { hardness: 0.1 }, rows: [{ category: 'C02', category_name: '噪音', cases: 30,
      hardness: 0.25, unresolved_rate: 0.5, unsatisfied_rate: null, return_rate: 0, rework_rate: 0.1, overdue_rate: 0.4 }] }, false);
    expect(r.filter).toEqual({ queue: 'all', category: 'C02', from: '2026-01-01', to: '2027-01-01' });
    expect(r.explanation).toContain('25%');
    expect(r.explanation).toContain('不满意 —');
  });
  it('hot issues in a sentence', () => {
    const s = hotIssueText({ cases: 5, residents: 3, heat: 7.25, place: '湖滨路', from: '2026-11-01T08:00:00+08:00', to: '2026-11-03T08:00:00+08:00' }, true);
    expect(s).toBe('5 cases from 3 residents, 2026-11-01 – 2026-11-03, at 湖滨路; heat 7.3');
  });
  it('reply quality as a 0–100 score with the weak points in the language', () => {
    const q = { relevance: 0.9, completeness: 0.5, interpretability: 0, timeliness: null, total: 0.47,
      weak_points: [{ code: 'no_basis', zh: '未说明依据', en: 'No basis given' }] };
    const v = qualityView(q, false);
    expect(v.score).toBe(47);
    expect(v.level).toBe('weak');
    expect(v.parts.map((p) => p.key)).toEqual(['relevance', 'completeness', 'interpretability']);
    expect(v.weak).toEqual([{ code: 'no_basis', text: '未说明依据' }]);
    expect(qualityView(q, true).weak[0].text).toBe('No basis given');
    expect(qualityView({ total: 0.85, weak_points: [] }, false).level).toBe('good');
    expect(qualityView(null)).toBe(null);
  });
  it('similar rows from either answer', () => {
    expect(similarRows({ rows: [{ id: 1 }] })).toEqual([{ id: 1 }]);
    expect(similarRows([{ id: 2 }])).toEqual([{ id: 2 }]);
    expect(similarRows(undefined)).toEqual([]);
  });
  it('capacity columns name each post\'s indicators', () => {
    expect(CAPACITY_COLUMNS.dispatcher.map(([k]) => k)).toEqual(['dispatches', 'returned', 'accurate_dispatch_rate']);
  });
  it('debounce runs once, after the last call, and can be cancelled', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 100);
    d(1); d(2); d(3);
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(3);
    d(4); d.cancel();
    vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});

describe('department pages', () => {
  const depts = [{ code: 'D1', name: '城管局', name_en: 'Urban Management Bureau' }, { code: 'D2', name: '交通局', name_en: '' }];
  it('counts cases under either name, open and closed apart, undispatched cases under none', () => {
    const feed = [
      { status: 'closed', agency_responsible: 'Urban Management Bureau' },
      { status: 'open', agency_responsible: '城管局' },
      { status: 'open', agency_responsible: '交通局' },
      { status: 'open', agency_responsible: null },
      { status: 'open' },
      { status: 'open', agency_responsible: '别的单位' },
    ];
    const { counts, unassigned } = departmentCounts(feed, depts);
    expect(counts).toEqual({ D1: { open: 1, closed: 1, total: 2 }, D2: { open: 1, closed: 0, total: 1 } });
    expect(unassigned).toBe(2);
  });
  it('reads every page of the feed', async () => {
    const pages = [Array(1000).fill({}), Array(3).fill({})];
    const calls = [];
    const all = await fetchFeed(async (path, q) => (calls.push(q.page), pages[q.page - 1] || []));
    expect(all.length).toBe(1003);
    expect(calls).toEqual([1, 2]);
  });
});

describe('workbench queues', () => {
  it('the supervised queue is a server filter, not a status', async () => {
    const { QUEUES, queueCount } = await import('../src/lib/queues.js');
    const q = QUEUES.find((x) => x.key === 'supervised');
    expect(q.filter).toEqual({ supervised: 'true' });
    expect(queueCount(q, { submitted: 3 })).toBe(null);
  });
});
