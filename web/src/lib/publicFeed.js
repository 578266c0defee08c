// The public case feed is the Open311 GeoReport v2 request list (published cases, personal data
// removed): GET /open311/v2/requests.json. These helpers summarise it for the open-data pages.

export function feedCounts(requests, key) {
  const out = new Map();
  for (const r of requests) {
    const k = r[key] || '—';
    out.set(k, (out.get(k) || 0) + 1);
  }
  return [...out.entries()].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
}

// Bars of counts by a label ([{name, count}]), largest first, horizontal so long Chinese names fit.
export function barOption(rows, seriesName, color = '#1f4e9c') {
  const top = rows.slice(0, 12).reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 120, right: 24, top: 10, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((r) => r.name), axisLabel: { width: 110, overflow: 'truncate' } },
    series: [{ name: seriesName, type: 'bar', data: top.map((r) => r.count), itemStyle: { color }, barMaxWidth: 20, label: { show: true, position: 'right' } }],
  };
}
