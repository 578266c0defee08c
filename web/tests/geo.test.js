import { describe, it, expect } from 'vitest';
import { gridsToGeoJSON, findGrid, geometryContains, centroid } from '../src/lib/geo.js';
import { categoryTree, categoryPath, searchCategories } from '../src/lib/categories.js';
import { translate, messages } from '../src/i18n.js';

const square = (x, y) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] });
const units = [
  { code: 'G1', name: '一', name_en: 'One', parent: 'C', geometry: square(0, 0) },
  { code: 'G2', name: '二', name_en: 'Two', parent: 'C', geometry: square(1, 0) },
  { code: 'X', name: '无', parent: 'C' },
];

describe('geo', () => {
  it('builds a FeatureCollection named by grid code, skipping units without geometry', () => {
    const fc = gridsToGeoJSON(units);
    expect(fc.features.map((f) => f.properties.name)).toEqual(['G1', 'G2']);
  });
  it('finds the grid containing a point', () => {
    expect(findGrid(units, 0.5, 0.5).code).toBe('G1');
    expect(findGrid(units, 1.5, 0.2).code).toBe('G2');
    expect(findGrid(units, 3, 3)).toBe(null);
  });
  it('respects holes and multipolygons', () => {
    const holed = { type: 'Polygon', coordinates: [square(0, 0).coordinates[0], [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]] };
    expect(geometryContains(holed, 0.5, 0.5)).toBe(false);
    expect(geometryContains(holed, 0.2, 0.2)).toBe(true);
    expect(geometryContains({ type: 'MultiPolygon', coordinates: [square(5, 5).coordinates] }, 5.5, 5.5)).toBe(true);
    expect(centroid(square(0, 0))).toEqual([0.5, 0.5]);
  });
});

describe('categories', () => {
  const list = [
    { code: 'C01', name: '城乡建设', name_en: 'Construction', level: 1, parent: null },
    { code: 'C01-02', name: '市政管理', name_en: '', level: 2, parent: 'C01' },
    { code: 'C01-02-01', name: '园林绿化环卫', name_en: '', level: 3, parent: 'C01-02' },
    { code: 'C04', name: '环境保护', name_en: 'Environment', level: 1, parent: null },
  ];
  it('builds the three-level tree with localised labels', () => {
    const tree = categoryTree(list, true);
    expect(tree.map((n) => n.label)).toEqual(['Construction', 'Environment']);
    expect(tree[0].children[0].children[0]).toMatchObject({ value: 'C01-02-01', label: '园林绿化环卫' });
  });
  it('gives the path of a code', () => {
    expect(categoryPath(list, 'C01-02-01')).toEqual(['C01', 'C01-02', 'C01-02-01']);
    expect(categoryPath(list, 'nope')).toEqual([]);
  });
  it('searches names along the path, deepest first', () => {
    expect(searchCategories(list, '城乡 绿化').map((c) => c.code)).toEqual(['C01-02-01']);
    expect(searchCategories(list, '城乡').map((c) => c.code)).toEqual(['C01-02-01', 'C01-02', 'C01']);
  });
});

describe('i18n', () => {
  it('zh-CN and English have the same keys', () => {
    const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? keys(v, p + k + '.') : [p + k]));
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort());
  });
  it('fills placeholders and falls back to the key', () => {
    expect(translate('en', 'login.welcome', { name: 'Li' })).toBe('Welcome, Li');
    expect(translate('zh-CN', 'no.such.key')).toBe('no.such.key');
  });
});
