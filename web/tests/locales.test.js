import { describe, it, expect } from 'vitest';
import zh from '../src/locales/zh-CN.js';
import en from '../src/locales/en.js';

// Every message exists in both languages.
function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? keys(v, prefix + k + '.') : [prefix + k])).sort();
}
describe('locales', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(en)).toEqual(keys(zh));
  });
});
