// Formatting of server values for display. Pure: the locale is a parameter.

const pad = (n) => String(n).padStart(2, '0');

// "2026-11-27T06:48:12.671+08:00" → "2026-11-27 06:48" in China time (the server's zone), whatever
// the browser's zone is, so that every operator reads the same clock.
export function formatTime(iso) {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return String(iso);
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

// Time left until a deadline, e.g. "剩余 2 天 3 小时" / "超时 5 小时".
export function deadlineText(iso, nowMs, l = 'zh-CN') {
  if (!iso) return '—';
  const diff = Date.parse(iso) - nowMs;
  const abs = Math.abs(diff);
  const days = Math.floor(abs / 86400000);
  const hours = Math.floor((abs % 86400000) / 3600000);
  const mins = Math.floor((abs % 3600000) / 60000);
  const en = l === 'en';
  const parts = [];
  if (days) parts.push(en ? `${days} d` : `${days} 天`);
  if (hours || days) parts.push(en ? `${hours} h` : `${hours} 小时`);
  if (!days) parts.push(en ? `${mins} min` : `${mins} 分钟`);
  const span = parts.join(' ');
  if (diff >= 0) return en ? `${span} left` : `剩余 ${span}`;
  return en ? `${span} overdue` : `超时 ${span}`;
}

// 0.8734 → "87.3%"; null/undefined → "—".
export function percent(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '—';
  return (Number(x) * 100).toFixed(digits) + '%';
}

// Masks a phone number for display to people who do not need it: 13800000000 → 138****0000.
export function maskPhone(p) {
  if (!p) return '';
  const s = String(p);
  if (s.includes('*') || s.length < 7) return s;
  return s.slice(0, 3) + '****' + s.slice(-4);
}

// Tracking codes are typed by people: upper-case, spaces and dashes regrouped as XXXX-XXXX-XXXX.
export function normalizeTrackingCode(s) {
  const raw = String(s || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
  return raw.match(/.{1,4}/g)?.join('-') ?? '';
}

// Calendar days as YYYY-MM-DD strings: the server's `to` is exclusive, date pickers show the last
// day included, so pages convert with these.
export function addDays(day, n) {
  const ms = Date.parse(day + 'T00:00:00Z');
  return Number.isNaN(ms) ? day : new Date(ms + n * 86400000).toISOString().slice(0, 10);
}

// Element Plus tag types per case status, so each state has one colour everywhere.
const STATUS_TAG = {
  submitted: 'info', registered: 'primary', dispatched: 'warning', accepted: 'warning',
  handled: 'success', verified: 'success', closed: 'success', rejected: 'danger', merged: 'info', reopened: 'danger',
};
export function statusTagType(status) {
  return STATUS_TAG[status] || 'info';
}
