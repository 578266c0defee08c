// Code for America's node-open311 client (npm "open311", unmodified) against a running civicgrid in
// JSON mode. Starts nothing itself: OPEN311_URL is the server's root URL ("http://127.0.0.1:8080")
// and OPEN311_API_KEY an API key with the open311 scope. Run: node --test client_test.mjs
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, test } from 'node:test';

const require = createRequire(import.meta.url);
const Open311 = require('open311');

const root = process.env.OPEN311_URL;
const apiKey = process.env.OPEN311_API_KEY;
if (!root || !apiKey) throw new Error('set OPEN311_URL and OPEN311_API_KEY');

// The client's callbacks take (err, data); err is false/null on success.
const call = (fn, ...args) =>
  new Promise((resolve, reject) =>
    fn(...args, (err, data) => (err ? reject(new Error(`${err}: ${JSON.stringify(data)}`)) : resolve(data))));
const failure = (fn, ...args) =>
  new Promise((resolve, reject) =>
    fn(...args, (err, data) => (err ? resolve({ err, data }) : reject(new Error(`unexpected success: ${JSON.stringify(data)}`)))));

let city;
const created = [];

before(async () => {
  // Configured by service discovery, as an app does: the endpoint and format come from the server.
  city = new Open311({ discovery: `${root}/open311/v2/discovery.json`, jurisdiction: 'minghu.gov.cn' });
  city.apiKey = apiKey;
  const discovery = await call(city.serviceDiscovery.bind(city), { cache: true });
  assert.equal(discovery.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
});

test('discovery sets the endpoint and the JSON format', () => {
  assert.equal(city.endpoint, `${root}/open311/v2/`);
  assert.equal(city.format, 'json');
});

test('service list', async () => {
  const services = await call(city.serviceList.bind(city));
  assert.ok(Array.isArray(services) && services.length > 50);
  const lights = services.find((s) => s.service_code === 'C01-02-04');
  assert.ok(lights, 'the public-facilities service is listed');
  assert.equal(lights.metadata, true);
  assert.equal(lights.type, 'realtime');
  assert.equal(typeof lights.group, 'string');
  for (const s of services) assert.equal(typeof s.service_code, 'string');
});

test('service definition', async () => {
  const def = await call(city.serviceDefinition.bind(city), 'C01-02-04');
  assert.equal(def.service_code, 'C01-02-04');
  const codes = def.attributes.map((a) => a.code);
  assert.deepEqual(codes.slice(0, 4), ['facility_type', 'blocks_traffic', 'quantity', 'found_at']);
  const facility = def.attributes[0];
  assert.equal(facility.datatype, 'singlevaluelist');
  assert.equal(facility.required, true);
  assert.ok(facility.values.some((v) => v.key === 'streetlight' && v.name === '路灯'));
});

test('submit requests with attributes', async () => {
  const lights = await call(city.submitRequest.bind(city), {
    service_code: 'C01-02-04',
    lat: 28.22,
    long: 112.915,
    address_string: '湖滨路 3 号',
    description: `路灯不亮，晚上很黑 ${Date.now()}`,
    first_name: '三',
    last_name: '张',
    email: 'zhang@example.com',
    attributes: { facility_type: 'streetlight', blocks_traffic: 'no', quantity: 2, found_at: '2024-05-01T20:30:00+08:00' },
  });
  assert.ok(Array.isArray(lights) && lights.length === 1);
  assert.equal(typeof lights[0].service_request_id, 'string');
  assert.equal(lights[0].token, undefined);
  assert.ok(lights[0].service_notice.length > 0);
  created.push(lights[0]);

  // A multivaluelist given as an array: node's querystring repeats attribute[hazards].
  const road = await call(city.submitRequest.bind(city), {
    service_code: 'C01-02-11',
    lat: 28.221,
    long: 112.916,
    description: '路面坑洞并且积水',
    attributes: { blocks_traffic: 'yes', hazards: ['pothole', 'water'] },
  });
  created.push(road[0]);

  // A required attribute missing: the server says 400 and the client reports it.
  const missing = await failure(city.submitRequest.bind(city), {
    service_code: 'C01-02-04', lat: 28.22, long: 112.915, description: 'x', attributes: { blocks_traffic: 'no' },
  });
  assert.equal(missing.err, 400);
  assert.match(missing.data, /attribute\[facility_type\]/);
});

test('a wrong api key is refused with 403', async () => {
  const other = new Open311({ endpoint: `${root}/open311/v2/`, apiKey: 'cgk_not-a-key' });
  const r = await failure(other.submitRequest.bind(other), {
    service_code: 'C01-02-04', address_string: 'x', attributes: { facility_type: 'streetlight', blocks_traffic: 'no' },
  });
  assert.equal(r.err, 403);
});

test('get requests with filters', async () => {
  const open = await call(city.serviceRequests.bind(city), { status: 'open', service_code: 'C01-02-04,C01-02-11' });
  const ids = open.map((r) => r.service_request_id);
  for (const c of created) assert.ok(ids.includes(c.service_request_id), `${c.service_request_id} listed`);
  for (const r of open) {
    assert.equal(r.status, 'open');
    assert.ok(r.requested_datetime instanceof Date && !Number.isNaN(r.requested_datetime.getTime()));
    assert.ok(r.updated_datetime instanceof Date && !Number.isNaN(r.updated_datetime.getTime()));
    assert.equal(typeof r.lat, 'number');
  }
  const closed = await call(city.serviceRequests.bind(city), { status: 'closed', service_code: 'C01-02-04' });
  assert.ok(!closed.some((r) => ids.includes(r.service_request_id)));
  const paged = await call(city.serviceRequests.bind(city), { page_size: 1, page: 1 });
  assert.equal(paged.length, 1);
  const dated = await call(city.serviceRequests.bind(city), { start_date: '2000-01-01', end_date: '2000-01-31' });
  assert.deepEqual(dated, []);
});

test('get one request', async () => {
  const id = created[0].service_request_id;
  const one = await call(city.serviceRequest.bind(city), id);
  assert.equal(one.length, 1);
  assert.equal(one[0].service_request_id, id);
  assert.equal(one[0].service_code, 'C01-02-04');
  assert.equal(one[0].address, '湖滨路 3 号');
  assert.ok(!JSON.stringify(one).includes('zhang@example.com'));
  assert.ok(!JSON.stringify(one).includes('张三'));
  const missing = await failure(city.serviceRequest.bind(city), '99999999');
  assert.equal(missing.err, true);
});

test('get a list of ids', async () => {
  const ids = created.map((c) => c.service_request_id);
  const list = await call(city.serviceRequests.bind(city), ids);
  assert.deepEqual(list.map((r) => r.service_request_id).sort(), [...ids].sort());
});

test('token from the service notice', async () => {
  const code = created[0].service_notice.match(/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/)[0];
  const data = await call(city.token.bind(city), code);
  assert.equal(data[0].service_request_id, created[0].service_request_id);
  assert.equal(data[0].token, code);
});
