// Background cases for the end-to-end run, made through the public API as the pages would: appeals
// spread over the district's grids and categories, some taken through the whole loop and evaluated,
// so that the workbench's queues and the cockpit's charts have something to show besides the case
// the browser follows.
const TEXTS = [
  ['小区路灯夜间不亮', '湖滨小区南门两盏路灯已经坏了一周，晚上出行很不安全。'],
  ['道路井盖缺失', '书院路与望月路交叉口井盖缺失，已有电动车差点摔倒。'],
  ['噪音扰民', '夜间十一点后仍有工地施工，噪音很大影响休息。'],
  ['占道经营', '菜市场门口流动摊贩占道经营，车辆无法通行。'],
  ['楼道堆放杂物', '3 单元楼道堆满杂物，存在消防隐患。'],
  ['公交站台破损', '银杏社区公交站台顶棚破损，下雨无法避雨。'],
  ['供水水压不足', '高层住户近一周水压很低，早晚基本无水。'],
  ['绿化带垃圾', '枫林社区绿化带内垃圾长期无人清理。'],
];

async function call(base, method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
  return data;
}

export async function seed(base, passwords, count = 24) {
  const login = async (u) => (await call(base, 'POST', '/api/v1/auth/login', { username: u, password: passwords[u] })).token;
  const [dispatcher, handler] = [await login('dispatcher'), await login('handler')];
  const grids = (await call(base, 'GET', '/api/v1/org/units?kind=grid&geometry=true')).units.filter((g) => g.geometry);
  const resolved = ['resolved', 'resolved', 'partly', 'resolved'];
  const satisfaction = ['satisfied', 'basically_satisfied', 'satisfied', 'unsatisfied'];
  for (let i = 0; i < count; i++) {
    const [title, description] = TEXTS[i % TEXTS.length];
    const ring = grids[(i * 7) % grids.length].geometry.coordinates[0];
    const lon = (ring[0][0] + ring[2][0]) / 2;
    const lat = (ring[0][1] + ring[2][1]) / 2;
    // No category from the resident: the dispatcher registers the one intake suggests.
    const submitted = await call(base, 'POST', '/api/v1/appeals', { type: 'complaint', title, description, location: { lat, lon } });
    const suggested = submitted.suggested_category && submitted.suggested_category.category.code;
    const code = submitted.tracking_code;
    if (i % 4 === 3) continue; // left to register
    let c = await call(base, 'POST', `/api/v1/cases/${submitted.id}/register`, suggested ? { category: suggested } : {}, dispatcher);
    // Most go to the urban management bureau (the demo handler's department), so their loop can close.
    const department = i % 3 === 2 && c.suggested_dispatch ? c.suggested_dispatch.department : 'MH-D-CG';
    c = await call(base, 'POST', `/api/v1/cases/${submitted.id}/dispatch`, { department }, dispatcher);
    if (department !== 'MH-D-CG' || i % 5 === 4) continue;
    await call(base, 'POST', `/api/v1/cases/${submitted.id}/accept`, { contacted: true }, handler);
    if (i % 6 === 5) continue; // in hand
    await call(base, 'POST', `/api/v1/cases/${submitted.id}/handle`, { result: '已处理完毕', reply: '您好，您反映的问题已处理完毕，感谢监督。' }, handler);
    await call(base, 'POST', `/api/v1/cases/${submitted.id}/verify`, { ok: true }, dispatcher);
    await call(base, 'POST', `/api/v1/cases/${submitted.id}/close`, {}, dispatcher);
    await call(base, 'POST', `/api/v1/appeals/track/${code}/evaluation`, { resolved: resolved[i % 4], satisfaction: satisfaction[i % 4] });
  }
}

// Earlier months of the district, written through `civicgrid import cases` (imported histories go
// through the same state machine as live work): the same problem at the same grid month after
// month, so the cockpit has recurring problems (未诉先办), a frequent and hard category (每月一题:
// returned, reworked, partly resolved) and training needs to show. `now` is a Date; dates stay in
// this year and in the past.
export function historyLines(grids, categories, now = new Date()) {
  const leaves = categories.filter((c) => c.level === 3).map((c) => c.code);
  const [hard, easy] = [leaves[0], leaves[leaves.length - 1]];
  const at = (monthsBack, day, hour) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, day, hour - 8));
    return d.toISOString().replace('.000Z', 'Z');
  };
  const lines = [];
  const months = Math.min(5, now.getUTCMonth()); // this year only: monthly topics are per year
  const today = now.getUTCDate();
  for (let m = months; m >= 0; m--) {
    // In the current month, days before today (at least one), else mid-month.
    const day = m === 0 ? Math.max(1, today - 3) : 12;
    for (let k = 0; k < 2; k++) {
      const h = 9 + k;
      lines.push({
        external_id: `E2E-H-${m}-${k}`, type: 'complaint', title: '湖滨路积水严重', description: '每逢下雨湖滨路路口积水没过脚踝，行人无法通行。',
        category: hard, grid: grids[0], channel: 'hotline',
        events: [
          { at: at(m, day, h), action: 'submit' },
          { at: at(m, day, h), action: 'register' },
          { at: at(m, day, h), action: 'dispatch', department: 'MH-D-CG' },
          { at: at(m, day, h), action: 'return', reason: '不属于本单位职责' },
          { at: at(m, day, h), action: 'dispatch', department: 'MH-D-CG' },
          { at: at(m, day, h), action: 'accept', contacted: true },
          { at: at(m, day, h), action: 'handle', result: '已疏通', reply: '已疏通排水口。' },
          { at: at(m, day, h), action: 'verify', ok: false, note: '仍有积水' },
          { at: at(m, day, h), action: 'handle', result: '已更换管道', reply: '您好，已更换排水管道。' },
          { at: at(m, day, h), action: 'verify', ok: true },
          { at: at(m, day, h), action: 'close' },
          { at: at(m, day, h), action: 'evaluate', resolved: 'partly', satisfaction: 'unsatisfied' },
        ],
      });
    }
    lines.push({
      external_id: `E2E-E-${m}`, type: 'request', title: '小区健身器材损坏', description: '社区广场的健身器材螺丝松动，存在安全隐患。',
      category: easy, grid: grids[1], channel: 'hotline',
      events: [
        { at: at(m, day, 15), action: 'submit' },
        { at: at(m, day, 15), action: 'register' },
        { at: at(m, day, 15), action: 'dispatch', department: 'MH-D-CG' },
        { at: at(m, day, 15), action: 'accept', contacted: true },
        { at: at(m, day, 16), action: 'handle', result: '已维修', reply: '您好，器材已维修加固，感谢反映。' },
        { at: at(m, day, 16), action: 'verify', ok: true },
        { at: at(m, day, 16), action: 'close' },
        { at: at(m, day, 17), action: 'evaluate', resolved: 'resolved', satisfaction: 'satisfied' },
      ],
    });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
