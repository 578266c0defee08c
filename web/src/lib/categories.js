// The three-level category tree (GET /api/v1/categories gives a flat list with parents).

// Options for el-cascader: [{value, label, children}] in the server's order; labels follow the locale.
export function categoryTree(list, en = false) {
  const byCode = new Map();
  const roots = [];
  for (const c of list) byCode.set(c.code, { value: c.code, label: en && c.name_en ? c.name_en : c.name, level: c.level });
  for (const c of list) {
    const node = byCode.get(c.code);
    const parent = c.parent ? byCode.get(c.parent) : null;
    if (parent) (parent.children ||= []).push(node);
    else roots.push(node);
  }
  return roots;
}

// The path of codes from the root to `code` (what el-cascader takes as its value).
export function categoryPath(list, code) {
  const parent = new Map(list.map((c) => [c.code, c.parent]));
  const path = [];
  for (let c = code; c; c = parent.get(c)) {
    path.unshift(c);
    if (path.length > 5) break;
  }
  return parent.has(code) ? path : [];
}

// Categories whose name (or any ancestor's) contains every word of the query; leaf-first order.
export function searchCategories(list, query, limit = 20) {
  const words = String(query || '').trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const byCode = new Map(list.map((c) => [c.code, c]));
  const fullName = (c) => {
    const names = [];
    for (let x = c; x; x = x.parent ? byCode.get(x.parent) : null) names.unshift(x.name + ' ' + (x.name_en || ''));
    return names.join(' / ').toLowerCase();
  };
  return list
    .filter((c) => words.every((w) => fullName(c).includes(w)))
    .sort((a, b) => b.level - a.level)
    .slice(0, limit);
}
