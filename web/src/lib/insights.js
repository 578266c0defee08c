// The decision-support answers of the server (src/analytics/README.md, "Decision support") made
// into what the pages show: lines with their explanation and the workbench filter of the cases
// behind each figure. Pure functions, tested without a browser.
import { addDays } from './format.js';

const pick = (o, en, zhKey, enKey) => (en ? o[enKey] || o[zhKey] : o[zhKey] || o[enKey]);

// Waits `ms` after the last call before running `fn` (typing-driven requests). `cancel` drops a
// pending run.
export function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

// First and (exclusive) last day of a calendar month 'YYYY-MM' and of the month `n` after it.
export function monthStart(month) {
  return month + '-01';
}
export function monthEnd(month) {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

// GET /api/v1/stats/warnings → rows to list. Volume warnings lead to the unit's cases of the
// category in the window; overdue warnings to the department's overdue queue.
export function warningItems(answer, en) {
  const date = answer && answer.date;
  const window = (answer && answer.window) || 7;
  return ((answer && answer.warnings) || []).map((w) => {
    const filter =
      w.kind === 'overdue'
        ? { queue: 'overdue', department: w.unit }
        : { queue: 'all', ...(w.unit_type === 'department' ? { department: w.unit } : { area: w.unit }),
            ...(w.category ? { category: w.category } : {}),
            ...(date ? { from: addDays(date, 1 - window), to: addDays(date, 1) } : {}) };
    return {
      severity: w.severity,
      tagType: w.severity === 'high' ? 'danger' : w.severity === 'medium' ? 'warning' : 'info',
      title: [w.unit_name || w.unit, w.category_name].filter(Boolean).join(' · '),
      observed: w.observed,
      expected: w.expected,
      range: w.range,
      explanation: pick(w, en, 'explanation_zh', 'explanation_en') || w.explanation || '',
      filter,
    };
  });
}

// GET /api/v1/stats/hotspots → the map's rows ({grid, count}) and the set of hotspot places.
export function hotspotMapRows(answer) {
  const rows = (answer && answer.rows) || [];
  return { rows: rows.map((r) => ({ grid: r.place, count: r.count })), hot: new Set(rows.filter((r) => r.hotspot).map((r) => r.place)) };
}

// One hotspot row's explanation, from the definitions: share of the category's cases here, and how
// much more often the category comes up here than across the scope (lift).
export function hotspotText(row, categoryName, en) {
  const share = Math.round((row.share || 0) * 100);
  const lift = Number(row.lift || 0).toFixed(1);
  return en
    ? `${row.count} of the ${categoryName} cases (${share}%); ${row.count} of ${row.place_total} cases here, ${lift}× the district's mix`
    : `「${categoryName}」${row.count} 件，占该类 ${share}%；本地 ${row.place_total} 件中占比为全区的 ${lift} 倍`;
}

// GET /api/v1/stats/recurring rows: the proposal, the months, the filter of the cases behind it.
export function recurringItems(answer, en) {
  const from = answer && answer.from_month;
  const to = answer && answer.to_month;
  return ((answer && answer.rows) || []).map((r) => ({
    place: r.place,
    title: pick(r.proposal || {}, en, 'title_zh', 'title_en') || (r.proposal && r.proposal.title) || '',
    explanation: en
      ? `${r.name}: ${r.category_name} in ${r.months_with_cases} of the months ${from}–${to} (longest run ${r.longest_run}), ${r.total} cases`
      : `${r.name}「${r.category_name}」在 ${from} 至 ${to} 中有 ${r.months_with_cases} 个月发生（最长连续 ${r.longest_run} 个月），共 ${r.total} 件`,
    series: (r.series || []).map((s) => s.count),
    peak: Math.max(1, ...(r.series || []).map((s) => s.count)),
    filter: { queue: 'all', area: r.place, category: r.category, ...(from && to ? { from: monthStart(from), to: monthEnd(to) } : {}) },
  }));
}

const pct = (x) => (x === null || x === undefined ? '—' : Math.round(x * 100) + '%');

// GET /api/v1/stats/monthly-topics rows: why each category is a candidate (frequent and hard).
export function topicItems(answer, en) {
  const year = answer && answer.year;
  const mean = answer && answer.mean_cases;
  const overall = (answer && answer.overall) || {};
  return ((answer && answer.rows) || []).map((r) => ({
    category: r.category,
    name: r.category_name,
    cases: r.cases,
    hardness: r.hardness,
    explanation: en
      ? `${r.cases} cases (mean ${Number(mean || 0).toFixed(1)}); hardness ${pct(r.hardness)} vs ${pct(overall.hardness)} overall — unresolved ${pct(r.unresolved_rate)}, unsatisfied ${pct(r.unsatisfied_rate)}, returned ${pct(r.return_rate)}, reworked ${pct(r.rework_rate)}, overdue ${pct(r.overdue_rate)}`
      : `${r.cases} 件（平均 ${Number(mean || 0).toFixed(1)} 件）；难度 ${pct(r.hardness)}，全年整体 ${pct(overall.hardness)}——未解决 ${pct(r.unresolved_rate)}、不满意 ${pct(r.unsatisfied_rate)}、退单 ${pct(r.return_rate)}、返工 ${pct(r.rework_rate)}、超期 ${pct(r.overdue_rate)}`,
    filter: { queue: 'all', category: r.category, ...(year ? { from: `${year}-01-01`, to: `${year + 1}-01-01` } : {}) },
  }));
}

// GET /api/v1/cases/hot-issues issues: the clustering's own figures as a sentence.
export function hotIssueText(issue, en) {
  const span = issue.from && issue.to ? `${String(issue.from).slice(0, 10)} – ${String(issue.to).slice(0, 10)}` : '';
  return en
    ? `${issue.cases} cases from ${issue.residents} residents${span ? ', ' + span : ''}${issue.place ? ', at ' + issue.place : ''}; heat ${Number(issue.heat).toFixed(1)}`
    : `${issue.residents} 位群众反映 ${issue.cases} 件${span ? '，' + span : ''}${issue.place ? '，地点：' + issue.place : ''}；热度 ${Number(issue.heat).toFixed(1)}`;
}

// The indicators of each post in GET /api/v1/stats/capacity (column key, rate or count).
export const CAPACITY_COLUMNS = {
  grid_worker: [['patrol_reports'], ['open_reports'], ['verifications'], ['verifications_on_time'], ['verification_on_time_rate', 'rate']],
  dispatcher: [['dispatches'], ['returned'], ['accurate_dispatch_rate', 'rate']],
  handler: [['handled'], ['handled_on_time'], ['on_time_rate', 'rate'], ['reworked'], ['rework_rate', 'rate']],
};

// POST /api/v1/text/reply-quality answer → score (0–100), parts and weak points in the language.
export function qualityView(q, en) {
  if (!q || typeof q.total !== 'number') return null;
  const parts = ['relevance', 'completeness', 'interpretability', 'timeliness']
    .filter((k) => typeof q[k] === 'number')
    .map((k) => ({ key: k, score: Math.round(q[k] * 100) }));
  const score = Math.round(q.total * 100);
  return {
    score,
    level: score >= 80 ? 'good' : score >= 60 ? 'fair' : 'weak',
    parts,
    weak: (q.weak_points || []).map((w) => ({ code: w.code, text: (en ? w.en : w.zh) || w.zh || w.en || w.code })),
  };
}

// The similar rows of a case (GET /api/v1/cases/{id}/similar or the case's `similar`).
export function similarRows(answer) {
  if (!answer) return [];
  if (Array.isArray(answer)) return answer;
  return answer.rows || [];
}
