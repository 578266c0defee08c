// The HTTP client of the pages: JSON in and out, the bearer token of the session, the page's
// language as Accept-Language, and the server's errors as ApiError. A 401 on a logged-in call means
// the session has ended (expired or revoked): the session is dropped and `onSessionEnded` runs.
import { reactive } from 'vue';
import { ApiError, toApiError, isMissingEndpoint } from './lib/errors.js';
import { locale } from './i18n.js';

const KEY = 'cg.session';
function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export const session = reactive({ token: null, user: null, expiresAt: null });
const saved = typeof localStorage !== 'undefined' ? load() : null;
if (saved && saved.expiresAt && Date.parse(saved.expiresAt) > Date.now()) Object.assign(session, saved);

const hooks = { onSessionEnded: () => {} };
export function onSessionEnded(fn) {
  hooks.onSessionEnded = fn;
}

function save() {
  localStorage.setItem(KEY, JSON.stringify({ token: session.token, user: session.user, expiresAt: session.expiresAt }));
}
export function clearSession() {
  session.token = null;
  session.user = null;
  session.expiresAt = null;
  localStorage.removeItem(KEY);
}

export function hasRole(...roles) {
  return !!session.user && session.user.roles.some((r) => roles.includes(r));
}

export function queryString(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.append(k, String(v));
  const s = p.toString();
  return s ? '?' + s : '';
}

export async function request(method, path, { body, query } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': locale.value === 'en' ? 'en' : 'zh-CN' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const sentToken = session.token;
  if (sentToken) headers.Authorization = 'Bearer ' + sentToken;
  let res;
  try {
    res = await fetch(path + queryString(query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: locale.value === 'en' ? 'Network error' : '网络连接失败' });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && sentToken) {
      clearSession();
      hooks.onSessionEnded();
    }
    throw toApiError(res.status, data);
  }
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body) => request('POST', path, { body: body || {} }),
  // An endpoint that may not exist on this server: null instead of an error when it answers 404/405.
  async optional(method, path, body) {
    try {
      return await request(method, path, { body });
    } catch (e) {
      if (isMissingEndpoint(e)) return null;
      throw e;
    }
  },
  async login(username, password) {
    const r = await request('POST', '/api/v1/auth/login', { body: { username, password } });
    session.token = r.token;
    session.user = r.user;
    session.expiresAt = r.expires_at;
    save();
    return r.user;
  },
  async logout() {
    try {
      if (session.token) await request('POST', '/api/v1/auth/logout', { body: {} });
    } finally {
      clearSession();
    }
  },
};

// Reference data that changes rarely, fetched once per page load.
const cache = new Map();
export function cached(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}
export const categories = () => cached('categories', () => api.get('/api/v1/categories').then((r) => r.categories));
export const units = (kind) => cached('units:' + kind, () => api.get('/api/v1/org/units', { kind }).then((r) => r.units));
export const grids = () =>
  cached('grids', () => api.get('/api/v1/org/units', { kind: 'grid', geometry: 'true' }).then((r) => r.units));
