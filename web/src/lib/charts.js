// ECharts option builders for the cockpit and the public statistics. Pure functions of the
// statistics responses, so they are tested without a browser. Labels come in as parameters.

export const PALETTE = ['#1f4e9c', '#c8161d', '#e6a23c', '#3a9d5d', '#6b5bd2', '#14a3b8', '#8c6d31', '#d05a9b'];

// Daily counts ({rows:[{day, count}]}) as a line over every day of the range, zeros included, so a
// quiet day shows as a dip instead of being skipped.
export function trendOption(rows, { from, to, seriesName }) {
  const byDay = new Map(rows.map((r) => [r.day, r.count]));
  const days = [];
  for (let d = Date.parse(from + 'T00:00:00Z'); d < Date.parse(to + 'T00:00:00Z'); d += 86400000)
    days.push(new Date(d).toISOString().slice(0, 10));
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 24, bottom: 28 },
    xAxis: { type: 'category', data: days, axisLabel: { formatter: (v) => v.slice(5) } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: seriesName, type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: days.map((d) => byDay.get(d) || 0) }],
  };
}

// Counts by category ({rows:[{category, count}]}): a ring chart; each slice keeps its code for the
// click-through to the case list.
export function categoryOption(rows, nameOf, { top = 8, otherLabel = '其他' } = {}) {
  const sorted = [...rows].sort((a, b) => b.count - a.count);
  const head = sorted.slice(0, top).map((r) => ({ name: nameOf(r.category), value: r.count, code: r.category }));
  const rest = sorted.slice(top).reduce((s, r) => s + r.count, 0);
  if (rest) head.push({ name: otherLabel, value: rest, code: null });
  return {
    color: PALETTE,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', bottom: 0 },
    series: [{ type: 'pie', radius: ['38%', '65%'], center: ['50%', '45%'], label: { show: false }, data: head }],
  };
}

// The three rates per unit ({rows:[{unit, response, resolution, satisfaction}]}) as grouped bars (%).
// A rate in a statistics row: a number, or {numerator, denominator, rate}; null when undefined.
export function rateValue(x) {
  const v = x !== null && typeof x === 'object' ? x.rate : x;
  return v === null || v === undefined ? null : Number(v);
}
// A unit in a statistics row: a code, or {code, name}.
export const unitCode = (u) => (u !== null && typeof u === 'object' ? u.code : u);

export function ratesOption(rows, nameOf, labels) {
  const pct = (x) => (rateValue(x) === null ? null : Math.round(rateValue(x) * 1000) / 10);
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '—' : v + '%') },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => nameOf(unitCode(r.unit))), axisLabel: { interval: 0, rotate: rows.length > 3 ? 30 : 0, width: 100, overflow: 'truncate' } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: ['response', 'resolution', 'satisfaction'].map((k) => ({
      name: labels[k],
      type: 'bar',
      barMaxWidth: 18,
      data: rows.map((r) => pct(r[k])),
    })),
    units: rows.map((r) => unitCode(r.unit)),
  };
}

// Case counts per grid on the district map (registered from the grids' GeoJSON under `mapName`).
export function mapOption(mapName, rows, nameOf, seriesName) {
  const data = rows.map((r) => ({ name: r.grid, value: r.count }));
  const max = Math.max(1, ...data.map((d) => d.value));
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${nameOf(p.name)}<br/>${seriesName}: ${p.value || 0}` },
    visualMap: { min: 0, max, left: 8, bottom: 8, calculable: true, inRange: { color: ['#e8f0fb', '#7aa5e0', '#c8161d'] }, itemHeight: 80 },
    series: [
      {
        name: seriesName,
        type: 'map',
        map: mapName,
        roam: true,
        label: { show: false },
        emphasis: { label: { show: true, formatter: (p) => nameOf(p.name) }, itemStyle: { areaColor: '#f5c242' } },
        itemStyle: { borderColor: '#fff', borderWidth: 1, areaColor: '#e8f0fb' },
        data,
      },
    ],
  };
}

// The map used as a location picker: every grid drawn plain, the chosen one highlighted.
export function pickerOption(mapName, selected, nameOf) {
  return {
    tooltip: { trigger: 'item', formatter: (p) => nameOf(p.name) },
    series: [
      {
        type: 'map',
        map: mapName,
        roam: false,
        selectedMode: false,
        label: { show: false },
        itemStyle: { borderColor: '#fff', borderWidth: 1, areaColor: '#dbe6f5' },
        emphasis: { itemStyle: { areaColor: '#9dbbe6' }, label: { show: false } },
        data: selected ? [{ name: selected, itemStyle: { areaColor: '#1f4e9c' } }] : [],
      },
    ],
  };
}

// Status counts into the workbench's queue badges ({rows:[{status, count}]} → {status: count}).
export function countsByKey(rows, key) {
  const out = {};
  for (const r of rows || []) out[r[key]] = (out[r[key]] || 0) + r.count;
  return out;
}
