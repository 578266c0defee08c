// Helpers for the open data pages over GET /api/v1/open/stats and /api/v1/open/datasets. Counts
// come suppressed from the server: a number, or a string such as "<3" for a cell of fewer than k
// cases; rates are null when publishing them would reveal such a cell.

// A count for display: numbers grouped ("1,234"), suppressed cells as they are ("<3").
export function cellText(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return v.toLocaleString('en-US');
  return String(v);
}

// A count for a chart: suppressed cells are plotted as 0 (their label shows "<3"), never guessed.
export function cellNumber(v) {
  return typeof v === 'number' ? v : 0;
}

// A rate (0..1) as a percentage with one decimal, or "—" when withheld.
export function rateText(r) {
  if (r === null || r === undefined || Number.isNaN(r)) return '—';
  return (Math.round(r * 1000) / 10).toFixed(1) + '%';
}

// Bytes for display; "—" when unknown.
export function bytesText(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

// The display name of a stats row or catalog entry in the page's language.
export function rowName(row, lang) {
  if (lang === 'en') return row.name_en || row.title_en || row.name || row.title || row.key || '';
  return row.name || row.title || row.key || '';
}

// Horizontal bars of `cases` by row (largest first, at most `top`); suppressed cells show "<3".
export function casesBarOption(rows, lang, seriesName, color = '#1f4e9c', top = 12) {
  const sorted = [...rows].sort((a, b) => cellNumber(b.cases) - cellNumber(a.cases)).slice(0, top).reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 120, right: 36, top: 10, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: sorted.map((r) => rowName(r, lang)), axisLabel: { width: 110, overflow: 'truncate' } },
    series: [
      {
        name: seriesName,
        type: 'bar',
        data: sorted.map((r) => ({ value: cellNumber(r.cases), label: { show: true, position: 'right', formatter: cellText(r.cases) } })),
        itemStyle: { color },
        barMaxWidth: 20,
      },
    ],
  };
}

// Monthly trend: cases and closed per month (rows keyed "YYYY-MM", in order).
export function monthlyOption(rows, names) {
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [names.cases, names.closed] },
    grid: { left: 48, right: 24, top: 32, bottom: 24 },
    xAxis: { type: 'category', data: sorted.map((r) => r.key) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: names.cases, type: 'line', data: sorted.map((r) => cellNumber(r.cases)), itemStyle: { color: '#1f4e9c' } },
      { name: names.closed, type: 'line', data: sorted.map((r) => cellNumber(r.closed)), itemStyle: { color: '#c8161d' } },
    ],
  };
}

// The three rates per row as grouped bars in percent; a withheld rate is a gap, not 0.
export function ratesOption(rows, lang, names) {
  const pct = (r) => (r === null || r === undefined ? null : Math.round(r * 1000) / 10);
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [names.response, names.resolution, names.satisfaction] },
    grid: { left: 48, right: 24, top: 32, bottom: 60 },
    xAxis: { type: 'category', data: rows.map((r) => rowName(r, lang)), axisLabel: { rotate: 30, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: names.response, type: 'bar', data: rows.map((r) => pct(r.response?.rate)) },
      { name: names.resolution, type: 'bar', data: rows.map((r) => pct(r.resolution?.rate)) },
      { name: names.satisfaction, type: 'bar', data: rows.map((r) => pct(r.satisfaction?.rate)) },
    ],
  };
}

// The preview URL of a dataset resource: a first page only, so a large dataset is not fetched whole.
export function previewUrl(dataset, rows = 20) {
  const json = (dataset.resources || []).find((r) => r.format === 'JSON');
  if (!json) return null;
  return dataset.resources.some((r) => r.page_limit_max) ? `${json.url}?limit=${rows}` : json.url;
}
