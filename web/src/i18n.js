// A small reactive translation layer: zh-CN by default, English on request. The choice is kept in
// localStorage and sent to the server as Accept-Language so its error messages match the page.
import { ref } from 'vue';
import zhCN from './locales/zh-CN.js';
import en from './locales/en.js';

export const messages = { 'zh-CN': zhCN, en };
const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('cg.locale') : null;
export const locale = ref(stored && messages[stored] ? stored : 'zh-CN');

export function setLocale(l) {
  if (!messages[l]) return;
  locale.value = l;
  if (typeof localStorage !== 'undefined') localStorage.setItem('cg.locale', l);
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

// Looks up "a.b.c" in the current locale, then in zh-CN; {name} placeholders take params.
export function translate(l, key, params) {
  const find = (m) => key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), m);
  let s = find(messages[l]);
  if (s === undefined) s = find(messages['zh-CN']);
  if (typeof s !== 'string') return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
  return s;
}

export function t(key, params) {
  return translate(locale.value, key, params);
}

// A bilingual name from the server ({name, name_en}): English when asked for and present.
export function localName(o) {
  if (!o) return '';
  return locale.value === 'en' && o.name_en ? o.name_en : o.name;
}
