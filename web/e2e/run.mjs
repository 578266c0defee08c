// End-to-end test of the case's whole life through the pages, in Debian's Chromium driven by
// playwright-core, against the real server (see server.mjs): a resident submits an appeal and gets a
// tracking code; the dispatcher registers and dispatches it; the department's handler accepts and
// handles it; the dispatcher verifies and closes it; the resident evaluates it; the leader's cockpit
// counts it. Earlier months of the district are imported first (seed.mjs). Along the way: the resident sees the suggested category while typing; a near-copy
// submitted by another resident is listed as similar on the case page, with the merge pre-filled;
// reply-quality hints show before the handler sends; the cockpit shows its decision-support panels
// and the hotspot map; the capacity page loads; department pages count their cases. Any console
// error in the browser fails the run. Screenshots of the main pages go to
// CIVICGRID_SCREENSHOTS (default docs/screenshots).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startServer, repoRoot } from './server.mjs';
import { seed, historyLines } from './seed.mjs';

const shots = process.env.CIVICGRID_SCREENSHOTS || join(repoRoot, 'docs', 'screenshots');
mkdirSync(shots, { recursive: true });
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
// Optional endpoints the pages probe; a 404 from these is expected on servers without them.
const OPTIONAL = [/\/similar$/, /\/text\/reply-quality$/];

const server = await startServer({
  history: async (base) => {
    const get = async (path) => (await fetch(base + path)).json();
    const grids = (await get('/api/v1/org/units?kind=grid')).units.map((g) => g.code);
    return historyLines(grids, (await get('/api/v1/categories')).categories);
  },
});
const profile = mkdtempSync(join(tmpdir(), 'civicgrid-chromium-'));
const errors = [];
let context;
let step = 'start';
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30000); // ctest runs the API tests alongside
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = (m.location() && m.location().url) || '';
    if (/Failed to load resource/.test(m.text()) && OPTIONAL.some((re) => re.test(url))) return;
    // The session-expiry step sends a stale token on purpose: its 401s are the point of the step.
    if (step === 'session expiry' && /status of 401/.test(m.text())) return;
    errors.push(`[${step}] ${m.text()} ${url}`);
  });
  page.on('pageerror', (e) => errors.push(`[${step}] ${e.stack || e.message}`));
  const B = server.base;
  const shot = async (name) => {
    await page.waitForTimeout(600); // charts animate in
    await page.waitForSelector('.el-message', { state: 'detached', timeout: 6000 }).catch(() => {});
    await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
  };
  const fill = (sel, v) => page.locator(sel).first().fill(v);
  // Element Plus puts attributes of an el-input on the native input, of other widgets on the root.
  const field = (name, tag = 'input') => `[data-test=${name}] ${tag}, ${tag}[data-test=${name}]`;
  async function login(user) {
    await page.goto(B + '/login');
    await fill(field('username'), user);
    await fill(field('password'), server.passwords[user]);
    await page.click('[data-test=login]');
    await page.waitForSelector('[data-test=who]');
  }
  async function logout() {
    await page.click('[data-test=logout]');
    await page.waitForURL(/\/login/);
  }
  async function act(action, fields = async () => {}, expectStatus) {
    await page.click(`[data-test=action-${action}]`);
    await page.waitForSelector(`[data-test=form-${action}]`);
    await fields();
    await page.click('[data-test=action-send]');
    await page.waitForFunction((s) => document.querySelector('[data-test=case-status]')?.textContent.trim() === s, expectStatus);
  }
  async function cockpitCounts() {
    await page.goto(B + '/cockpit');
    await page.waitForSelector('[data-test=kpi-total] .value');
    await page.waitForLoadState('networkidle');
    const num = async (sel) => Number((await page.locator(sel).innerText()).trim());
    return { total: await num('[data-test=kpi-total] .value'), closed: await num('[data-test=kpi-closed]') };
  }

  step = 'seed';
  await seed(B, server.passwords);

  step = 'cockpit before';
  await login('leader');
  const before = await cockpitCounts();
  await logout();

  step = 'home';
  await page.goto(B + '/');
  await page.waitForSelector('[data-test=home-submit]');
  await shot('01-home');

  step = 'submit';
  const title = '湖滨小区门口垃圾堆积 ' + Date.now();
  await page.setViewportSize({ width: 414, height: 900 });
  await page.goto(B + '/submit');
  await page.getByLabel('标题', { exact: true }).fill(title); // labels are tied to their inputs
  await fill(field('description', 'textarea'), '湖滨社区3栋门口垃圾堆积三天无人清理，气味很大，请尽快处理。');
  // The suggested category shows up as the resident types (public suggestion route, no login).
  await page.waitForSelector('[data-test=suggested-name]');
  assert.notEqual((await page.locator('[data-test=suggested-name]').innerText()).trim(), '', 'suggested category');
  await page.click(field('category'));
  await page.keyboard.type('园林绿化');
  await page.locator('.el-cascader__suggestion-item').first().click();
  // Pick the location on the grid map: the first point that falls in a grid.
  const map = page.locator('.picker-map');
  await page.waitForFunction(() => document.querySelector('.picker-map canvas'));
  const box = await map.boundingBox();
  for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.4], [0.6, 0.6], [0.3, 0.5], [0.5, 0.3]]) {
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    if (await page.locator('[data-test=picked-grid]').count()) break;
  }
  await page.waitForSelector('[data-test=picked-grid]');
  await fill(field('address'), '湖滨路 88 号湖滨小区 3 栋');
  await fill(field('contact-name'), '张先生');
  // A form checks before sending and shows the message under the field.
  await fill(field('contact-phone'), '电话abc');
  await page.click('[data-test=send]');
  await page.locator('.el-form-item__error', { hasText: '电话号码格式不正确' }).waitFor();
  await fill(field('contact-phone'), '13800138000');
  await page.waitForSelector('.el-message', { state: 'detached' });
  await shot('02-submit-appeal');
  await page.click('[data-test=send]');
  await page.waitForSelector('[data-test=tracking-code]');
  const code = (await page.locator('[data-test=tracking-code]').innerText()).trim();
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await shot('03-tracking-code');
  await page.setViewportSize({ width: 1366, height: 900 });

  step = 'near-copy';
  // Another resident reports the same problem in the same grid, in nearly the same
  // words: the case page must list it as similar.
  const api = async (method, path, body, token) => {
    const r = await fetch(B + path, { method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
      body: body ? JSON.stringify(body) : undefined });
    const data = await r.json();
    assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
    return data;
  };
  const dispToken = (await api('POST', '/api/v1/auth/login', { username: 'dispatcher', password: server.passwords.dispatcher })).token;
  const mine = (await api('GET', '/api/v1/cases?status=submitted&text=' + encodeURIComponent(title), null, dispToken)).cases[0];
  // (The index finds candidates by MinHash bands: a copy this close is found with near certainty.)
  const copyTitle = title.replace(' ', '了 ');
  const copy = await api('POST', '/api/v1/appeals', { type: 'complaint', title: copyTitle, grid: mine.grid.code,
    description: '湖滨社区3栋门口垃圾堆积三天无人清理，味道很大，请尽快处理！' });

  step = 'session expiry';
  await page.goto(B + '/');
  await page.evaluate(() =>
    localStorage.setItem('cg.session', JSON.stringify({ token: 'expired', user: { username: 'x', roles: ['dispatcher'] }, expiresAt: '2999-01-01T00:00:00Z' })));
  await page.goto(B + '/workbench');
  await page.waitForSelector('[data-test=expired]');
  // The workbench asks for several queue counts at once; the first 401 shows the notice, the others
  // may still be on their way. Let them all answer inside this step, where their 401s are expected.
  await page.waitForLoadState('networkidle');

  step = 'register + dispatch';
  await login('dispatcher');
  await page.goto(B + '/workbench?queue=to_register');
  await page.locator('a', { hasText: title }).click();
  await page.waitForSelector('[data-test=case-status]');
  const caseUrl = page.url();
  // The near-copy is listed as similar, links to its case, and offers the merge with it pre-filled.
  await page.waitForSelector(`[data-test=similar-${copy.id}] a[href="/cases/${copy.id}"]`);
  await page.click(`[data-test=merge-into-${copy.id}]`);
  await page.waitForSelector('[data-test=form-merge]');
  assert.equal(await page.locator('[data-test=field-into] input').inputValue(), String(copy.id), 'merge target pre-filled');
  await shot('13-case-similar');
  await act('register', async () => {}, '已立案');
  // Summon (吹哨) two departments at once: the case keeps its state and gains a timeline entry.
  const entries = await page.locator('[data-test=timeline] .el-timeline-item').count();
  await page.click('[data-test=action-summon]');
  await page.click('[data-test=field-departments] .el-select__wrapper');
  for (const name of ['公安分局', '城市管理局']) await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
  await page.keyboard.press('Escape');
  await page.click('[data-test=action-send]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=timeline] .el-timeline-item').length === n + 1, entries);
  assert.equal((await page.locator('[data-test=case-status]').innerText()).trim(), '已立案');
  await page.click('[data-test=action-dispatch]');
  await shot('05-case-dispatch');
  await act('dispatch', async () => {
    const dept = await page.locator('[data-test=field-department]').innerText();
    assert.ok(dept.includes('城市管理局'), 'suggested department prefilled: ' + dept);
  }, '已派遣');
  await page.goto(B + '/workbench?queue=all');
  await page.waitForSelector('[data-test=case-table] .el-table__row');
  await shot('04-workbench');
  await logout();

  step = 'accept + handle';
  await login('handler');
  await page.goto(B + '/workbench?queue=to_accept');
  await page.locator('a', { hasText: title }).click();
  await act('accept', () => page.click('[data-test=field-contacted]'), '处置中');
  await act('handle', async () => {
    await fill(field('field-result'), '已协调环卫清运，现场清理完毕');
    // A thin reply first: the hints name its weak points while the handler types, before sending.
    await fill(field('field-reply', 'textarea'), '已处理。');
    await page.waitForSelector('[data-test=quality-weak] li');
    await fill(field('field-reply', 'textarea'), '您好，您反映的垃圾堆积问题已安排环卫人员清运完毕，并加密巡查频次。感谢您的监督！');
    await page.waitForFunction(() => !document.querySelector('[data-test=quality-weak]') || document.querySelectorAll('[data-test=quality-weak] li').length < 4);
    await page.waitForSelector('[data-test=quality-score]');
    await shot('14-reply-quality');
  }, '已处置');
  step = '403';
  await page.goto(B + '/cockpit');
  await page.waitForSelector('[data-test=forbidden]');
  await shot('09-forbidden');
  await logout();

  step = 'verify + close';
  await login('dispatcher');
  await page.goto(caseUrl);
  await act('verify', async () => {}, '已核查');
  await act('close', async () => {}, '已办结');
  await shot('06-case-closed');
  await logout();

  step = 'evaluate';
  await page.setViewportSize({ width: 414, height: 900 });
  await page.goto(B + '/track/' + code);
  await page.waitForSelector('[data-test=evaluate-form]');
  await page.locator('[data-test=ev-resolved] label').first().click();
  await page.locator('[data-test=ev-satisfaction] label').first().click();
  await page.click('[data-test=ev-send]');
  await page.waitForSelector('[data-test=evaluated]');
  await page.waitForSelector('.el-message', { state: 'detached' });
  assert.equal((await page.locator('[data-test=track-status]').innerText()).trim(), '已办结');
  await shot('07-track-evaluated');
  await page.setViewportSize({ width: 1366, height: 900 });

  step = 'cockpit after';
  await login('leader');
  const after = await cockpitCounts();
  assert.equal(after.total, before.total + 2, 'cockpit total counts the new appeal and its near-copy');
  assert.equal(after.closed, before.closed + 1, 'cockpit closed counts the closed case');
  assert.notEqual((await page.locator('[data-test=kpi-satisfaction]').innerText()).trim(), '—', 'satisfaction from the evaluation');
  await page.waitForSelector('[data-test=map] canvas');
  // The decision-support panels: warnings (or none), hotspots of the largest category, recurring
  // problems, monthly-topic candidates and hot issues, each from its endpoint.
  await page.waitForSelector('[data-test=warnings], [data-test=warnings-none]');
  await page.waitForSelector('[data-test=hotspots] li');
  // The imported months make a recurring problem and a monthly-topic candidate; the near-copy and
  // its case make a hot issue.
  for (const panel of ['recurring', 'topics', 'hot-issues']) await page.waitForSelector(`[data-test=${panel}] li`);
  // The issue is titled by one of its appeals: either the case or its copy.
  const issues = await page.locator('[data-test=hot-issues]').innerText();
  assert.ok(issues.includes(title) || issues.includes(copyTitle), 'the near-copies form a hot issue');
  await shot('08-cockpit');
  await page.click('[data-test=map-hotspot]');
  await page.waitForTimeout(300);
  await page.waitForFunction(() => document.querySelector('[data-test=map-hotspot]')?.classList.contains('is-active'));
  await page.locator('.panel', { has: page.locator('[data-test=map]') }).screenshot({ path: join(shots, '15-cockpit-hotspot-map.png') });
  await page.click('[data-test=map-mode] label:first-child');
  // A chart leads to the cases behind it: the league table's row opens the department's cases.
  await page.locator('[data-test=league] .el-table__row').first().click();
  await page.waitForURL(/\/workbench\?.*department=/);
  await page.locator('a', { hasText: title }).waitFor();

  step = 'capacity';
  await page.goto(B + '/cockpit');
  await page.click('[data-test=capacity-link]');
  await page.waitForURL(/\/cockpit\/capacity/);
  // The handler handled the case: the handler post lists them; the grid workers' post its grids.
  await page.locator('[data-test=capacity-people] .el-table__row', { hasText: 'handler' }).waitFor();
  await page.waitForSelector('[data-test=training-rows] .el-table__row');
  await shot('16-capacity');
  await page.click('[data-test=post-grid_worker]');
  await page.waitForSelector('[data-test=capacity-grids] .el-table__row');

  step = 'public pages';
  await page.goto(B + '/open/stats');
  await page.waitForFunction(() => Number(document.querySelector('[data-test=public-total]')?.textContent.replace(/,/g, '')) >= 1);
  await shot('10-open-data');
  await page.goto(B + '/open/cases');
  await page.waitForSelector('[data-test=public-cases] .el-table__row');
  await shot('11-published-cases');
  await page.goto(B + '/open/departments');
  await page.waitForSelector('[data-test=departments] .dept');
  // The urban management bureau handled most cases: its count is not 0.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=departments] .dept [data-test=dept-total]')].some((e) => Number(e.textContent.replace(/,/g, '')) > 0));
  await shot('17-departments');
  step = 'datasets';
  await page.goto(B + '/open/datasets');
  await page.waitForSelector('[data-test=preview-published-cases] .el-table__row');
  const csvHref = await page.locator('[data-test=download-monthly-counts-CSV]').getAttribute('href');
  const csv = await page.request.get(B + csvHref);
  assert.equal(csv.status(), 200, 'dataset download');
  assert.ok((await csv.body()).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'CSV starts with a BOM');
  await shot('18-datasets');
  step = 'english';
  await page.click('[data-test=lang]');
  await page.goto(B + '/cockpit');
  await page.waitForSelector('text=Cases by grid');
  await page.waitForLoadState('networkidle');
  await shot('12-cockpit-en');
  await page.click('[data-test=lang]');

  assert.deepEqual(errors, [], 'browser console errors');
  console.log(`e2e: ok (tracking code ${code}; cockpit total ${before.total}→${after.total}, closed ${before.closed}→${after.closed})`);
} catch (e) {
  if (context) await context.pages()[0]?.screenshot({ path: join(tmpdir(), 'civicgrid-e2e-failure.png') }).catch(() => {});
  console.error(`e2e: FAILED at step "${step}": ${e.stack || e}`);
  if (errors.length) console.error('console errors:\n' + errors.join('\n'));
  console.error('--- server log tail ---\n' + server.log().slice(-3000));
  process.exitCode = 1;
} finally {
  if (context) await context.close();
  await server.stop();
  rmSync(profile, { recursive: true, force: true });
}
