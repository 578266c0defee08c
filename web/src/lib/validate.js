// Checks done before a form is sent, mirroring the server's rules so that people see a problem at
// once; the server checks everything again and its field errors are shown the same way.
// Each validator returns {field: messageKey} (empty when valid); keys are translated by the page.

const count = (s) => [...String(s || '')].length;
export const PHONE = /^[0-9+\- ]{5,20}$/;

export function validateAppeal(a) {
  const e = {};
  if (!a.type) e.type = 'validation.required';
  if (!a.title || !a.title.trim()) e.title = 'validation.required';
  else if (count(a.title) > 200) e.title = 'validation.tooLong';
  if (!a.description || count(a.description.trim()) < 5) e.description = 'validation.describeMore';
  else if (count(a.description) > 4000) e.description = 'validation.tooLong';
  if (a.address && count(a.address) > 300) e.address = 'validation.tooLong';
  if (!a.anonymous && a.contact) {
    if (a.contact.phone && !PHONE.test(a.contact.phone)) e['contact.phone'] = 'validation.phone';
    if (a.contact.name && count(a.contact.name) > 50) e['contact.name'] = 'validation.tooLong';
  }
  if (!a.location && !(a.address && a.address.trim()) && !a.grid) e.address = 'validation.whereNeeded';
  return e;
}

// The body the server expects, from the form's model (drops empty optional parts).
export function appealBody(a) {
  const b = { type: a.type, title: a.title.trim(), description: a.description.trim(), channel: 'web' };
  if (a.category) b.category = a.category;
  if (a.urgency && a.urgency !== 'normal') b.urgency = a.urgency;
  if (a.location) b.location = { lat: a.location.lat, lon: a.location.lon };
  if (a.address && a.address.trim()) b.address = a.address.trim();
  if (a.grid) b.grid = a.grid;
  b.anonymous = !!a.anonymous;
  if (!a.anonymous && a.contact && (a.contact.name || a.contact.phone)) {
    b.contact = {};
    if (a.contact.name) b.contact.name = a.contact.name.trim();
    if (a.contact.phone) b.contact.phone = a.contact.phone.trim();
  }
  return b;
}

// The fields of each staff action's form (see src/cases/README.md), with what is required.
export const ACTION_FIELDS = {
  register: [{ name: 'category', kind: 'category' }, { name: 'note', kind: 'text' }],
  reject: [{ name: 'reason', kind: 'text', required: true }],
  merge: [{ name: 'into', kind: 'case', required: true }],
  dispatch: [
    { name: 'department', kind: 'department', required: true },
    { name: 'co_departments', kind: 'departments' },
    { name: 'note', kind: 'text' },
  ],
  accept: [{ name: 'contacted', kind: 'bool' }, { name: 'note', kind: 'text' }],
  return: [{ name: 'reason', kind: 'text', required: true }],
  handle: [
    { name: 'result', kind: 'text', required: true },
    { name: 'reply', kind: 'longtext', required: true, quality: true },
  ],
  verify: [{ name: 'ok', kind: 'bool', default: true }, { name: 'note', kind: 'text' }],
  close: [{ name: 'note', kind: 'text' }],
  extend: [{ name: 'days', kind: 'int', min: 1, max: 30, required: true }, { name: 'reason', kind: 'text', required: true }],
  approve_extension: [{ name: 'note', kind: 'text' }],
  supervise: [{ name: 'note', kind: 'text', required: true }],
  summon: [
    { name: 'departments', kind: 'departments', required: true },
    { name: 'within_minutes', kind: 'int', min: 1, max: 10080, required: true, default: 120 },
    { name: 'note', kind: 'text' },
  ],
  report: [{ name: 'note', kind: 'text' }],
};

export function emptyActionModel(action) {
  const m = {};
  for (const f of ACTION_FIELDS[action] || []) {
    if (f.default !== undefined) m[f.name] = f.default;
    else if (f.kind === 'departments') m[f.name] = [];
    else if (f.kind === 'bool') m[f.name] = false;
    else if (f.kind === 'int') m[f.name] = undefined;
    else m[f.name] = '';
  }
  return m;
}

export function validateAction(action, m) {
  const e = {};
  for (const f of ACTION_FIELDS[action] || []) {
    const v = m[f.name];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (f.required && empty) e[f.name] = 'validation.required';
    else if (f.kind === 'int' && !empty) {
      const n = Number(v);
      if (!Number.isInteger(n) || n < f.min || n > f.max) e[f.name] = 'validation.range';
    } else if (typeof v === 'string' && count(v) > 4000) e[f.name] = 'validation.tooLong';
  }
  return e;
}

// The JSON body of an action: empty optional fields dropped, numbers as numbers, the case version
// for optimistic concurrency (a stale page gets 409 instead of overwriting someone's work).
export function actionBody(action, m, version) {
  const b = {};
  for (const f of ACTION_FIELDS[action] || []) {
    const v = m[f.name];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length && !f.required)) continue;
    if (f.kind === 'int') b[f.name] = Number(v);
    else if (f.kind === 'case') b[f.name] = Number(v);
    else b[f.name] = v;
  }
  if (version !== undefined) b.version = version;
  return b;
}
