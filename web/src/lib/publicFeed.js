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

// Cases per department from the feed. `agency_responsible` is the lead department's name in the
// language of the request (zh-CN or English), so both names of each unit are matched; a case not
// yet dispatched has none and is counted apart (`unassigned`), not under any department.
export function departmentCounts(requests, departments) {
  const byName = new Map();
  for (const d of departments) for (const n of [d.name, d.name_en]) if (n) byName.set(n, d.code);
  const counts = {};
  let unassigned = 0;
  for (const r of requests) {
    const code = r.agency_responsible ? byName.get(r.agency_responsible) : null;
    if (!code) {
      if (!r.agency_responsible) unassigned++;
      continue;
    }
    const c = (counts[code] ||= { open: 0, closed: 0, total: 0 });
    c[r.status === 'closed' ? 'closed' : 'open']++;
    c.total++;
  }
  return { counts, unassigned };
}

// Every page of the feed (page_size 1000, at most `maxPages`): the default page holds only 100.
export async function fetchFeed(get, maxPages = 10) {
  const all = [];
  for (let page = 1; page <= maxPages; page++) {
    const rows = await get('/open311/v2/requests.json', { page, page_size: 1000 });
    all.push(...rows);
    if (rows.length < 1000) break;
  }
  return all;
}
