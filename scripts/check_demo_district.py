#!/usr/bin/env python3
"""Validate data/demo/ as written by scripts/gen_demo_district.py.

Checks: unit codes unique and every parent present and of the right kind; each grid polygon
closed, counter-clockwise, axis-aligned and at most 6 decimals; grids pairwise disjoint and their
union exactly the district rectangle; the category tree matches category_tree.csv path for path;
routing rules point at existing categories and departments. Prints counts; exits 1 on any failure.

Usage:  python3 scripts/check_demo_district.py [--tree PATH] [--dir DIR]
"""

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = {"district", "street", "community", "grid", "department", "command_center", "enterprise",
         "property_company", "social_org", "volunteer_team"}
# kind -> allowed parent kinds
PARENT_KIND = {"street": {"district"}, "community": {"street"}, "grid": {"community"},
               "command_center": {"district", "street"}}

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def micro(x, where):
    """A coordinate as integer microdegrees; flags more than 6 decimals."""
    m = round(x * 1e6)
    check(abs(x * 1e6 - m) < 1e-6 and len(repr(x).split(".")[-1]) <= 6, f"{where}: {x} has > 6 decimals")
    return m


def check_units(units):
    codes = [u["code"] for u in units]
    check(len(codes) == len(set(codes)), f"duplicate unit codes: {[c for c, n in Counter(codes).items() if n > 1]}")
    by_code = {u["code"]: u for u in units}
    for u in units:
        check(set(u) == {"code", "name", "name_en", "kind", "parent"}, f"{u['code']}: keys {sorted(u)}")
        check(u["kind"] in KINDS, f"{u['code']}: unknown kind {u['kind']}")
        check(bool(u["name"]) and bool(u["name_en"]), f"{u['code']}: empty name")
        if u["kind"] == "district":
            check(u["parent"] is None, f"{u['code']}: district with a parent")
            continue
        p = by_code.get(u["parent"])
        if check(p is not None, f"{u['code']}: parent {u['parent']} missing"):
            allowed = PARENT_KIND.get(u["kind"], {"district"})
            check(p["kind"] in allowed, f"{u['code']}: parent kind {p['kind']} not in {allowed}")
    return by_code


def check_grids(fc, by_code):
    check(fc.get("type") == "FeatureCollection", "grids: not a FeatureCollection")
    grids = {c for c, u in by_code.items() if u["kind"] == "grid"}
    rects, props = {}, {}
    for f in fc["features"]:
        p, g = f["properties"], f["geometry"]
        code = p["code"]
        check(code not in rects, f"grid {code}: duplicate feature")
        u = by_code.get(code)
        if not check(u is not None and u["kind"] == "grid", f"grid {code}: not a grid unit"):
            continue
        check(p["name"] == u["name"], f"grid {code}: name differs from units.json")
        check(p["community"] == u["parent"], f"grid {code}: community differs from units.json")
        check(p["street"] == by_code.get(u["parent"], {}).get("parent"), f"grid {code}: street differs")
        check(g["type"] == "Polygon" and len(g["coordinates"]) == 1, f"grid {code}: not a one-ring Polygon")
        ring = [(micro(x, code), micro(y, code)) for x, y in g["coordinates"][0]]
        check(len(ring) >= 4 and ring[0] == ring[-1], f"grid {code}: ring not closed")
        area2 = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))
        check(area2 > 0, f"grid {code}: exterior ring not counter-clockwise")
        xs, ys = {x for x, _ in ring}, {y for _, y in ring}
        rect = (min(xs), min(ys), max(xs), max(ys))
        # A valid axis-aligned rectangle: 4 distinct corners, area equal to its bounding box.
        check(len(set(ring)) == 4 and area2 == 2 * (rect[2] - rect[0]) * (rect[3] - rect[1]),
              f"grid {code}: not an axis-aligned rectangle")
        rects[code] = rect
        props[code] = p
    check(set(rects) == grids, f"grids: features {len(rects)} vs grid units {len(grids)}")

    items = sorted(rects.items())
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1:]:
            overlap = ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]
            check(not overlap, f"grids {a} and {b} overlap")
    box = (min(r[0] for r in rects.values()), min(r[1] for r in rects.values()),
           max(r[2] for r in rects.values()), max(r[3] for r in rects.values()))

    def area(r):
        return (r[2] - r[0]) * (r[3] - r[1])
    # Disjoint rectangles inside the box whose areas add up to the box's area tile it exactly.
    check(sum(map(area, rects.values())) == area(box), "grids: union is not the district rectangle")
    # The same for each street and community: the union of its grids is a rectangle.
    for level in ("community", "street"):
        groups = {}
        for code, r in rects.items():
            p = props[code]
            key = p["community"] if level == "community" else p["street"]
            groups.setdefault(key, []).append(r)
        for key, rs in groups.items():
            b = (min(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs), max(r[3] for r in rs))
            check(sum(map(area, rs)) == area(b), f"{level} {key}: grids do not form a rectangle")
    return box


def check_categories(nodes, tree_path):
    with open(tree_path, encoding="utf-8", newline="") as f:
        rows = [tuple(c.strip() for c in r) for r in list(csv.reader(f))[1:]]
    csv_paths = set(rows)
    by_code = {}
    for n in nodes:
        check(n["code"] not in by_code, f"category {n['code']}: duplicate code")
        by_code[n["code"]] = n
    pattern = {1: r"C\d\d", 2: r"C\d\d-\d\d", 3: r"C\d\d-\d\d-\d\d"}
    paths = Counter()
    names_under = Counter()
    for n in nodes:
        lvl = n["level"]
        check(re.fullmatch(pattern[lvl], n["code"]) is not None, f"category {n['code']}: bad code")
        check((n["name_en"] is not None) == (lvl == 1), f"category {n['code']}: name_en")
        if lvl == 1:
            check(n["parent"] is None, f"category {n['code']}: level 1 with parent")
            continue
        p = by_code.get(n["parent"])
        if not check(p is not None and p["level"] == lvl - 1 and n["code"].startswith(p["code"] + "-"),
                     f"category {n['code']}: bad parent {n['parent']}"):
            continue
        names_under[(n["parent"], n["name"])] += 1
        if lvl == 3:
            paths[(by_code[p["parent"]]["name"], p["name"], n["name"])] += 1
    check(not [k for k, v in names_under.items() if v > 1], "categories: repeated sibling names")
    check(set(paths) == csv_paths and all(v == 1 for v in paths.values()),
          "categories: level-3 paths differ from the CSV")
    level1 = [n["code"] for n in nodes if n["level"] == 1]
    check(level1 == [f"C{i:02d}" for i in range(1, 16)], f"categories: level 1 codes {level1}")
    return by_code, len(csv_paths), len(rows)


def check_routing(rules, units, cats):
    seen = set()
    for r in rules:
        c = r["category"]
        check(set(r) == {"category", "area", "lead", "co"}, f"routing {c}: keys {sorted(r)}")
        check(c not in seen, f"routing {c}: duplicate rule")
        seen.add(c)
        check(c in cats and cats[c]["level"] in (1, 2), f"routing {c}: not a level-1/2 category")
        check(r["area"] is None or r["area"] in units, f"routing {c}: bad area")
        for d in [r["lead"]] + r["co"]:
            check(d in units and units[d]["kind"] == "department", f"routing {c}: {d} not a department")
        check(r["lead"] not in r["co"], f"routing {c}: lead also co-handler")
    missing = [c for c, n in cats.items() if n["level"] == 1 and c not in seen]
    check(not missing, f"routing: level-1 categories without a rule: {missing}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", default=os.path.join(ROOT, "..", "shared", "data", "teddy2020", "category_tree.csv"))
    ap.add_argument("--dir", default=os.path.join(ROOT, "data", "demo"))
    args = ap.parse_args()

    def load(name):
        with open(os.path.join(args.dir, name), encoding="utf-8") as f:
            return json.load(f)
    units = load("units.json")
    by_code = check_units(units)
    box = check_grids(load("grids.geojson"), by_code)
    nodes = load("categories.json")
    cats, n_paths, n_rows = check_categories(nodes, args.tree)
    check_routing(load("routing.json"), by_code, cats)
    with open(os.path.join(args.dir, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    for u in units:
        check(f"`{u['code']}`" in readme, f"README: unit {u['code']} missing")

    print("units by kind:", dict(Counter(u["kind"] for u in units)), "total", len(units))
    print("categories by level:", dict(Counter(n["level"] for n in nodes)),
          f"(CSV: {n_rows} rows, {n_paths} distinct paths)")
    print("district bbox lon %.6f..%.6f lat %.6f..%.6f" % tuple(v / 1e6 for v in (box[0], box[2], box[1], box[3])))
    for e in errors:
        print("ERROR:", e, file=sys.stderr)
    print("OK" if not errors else f"{len(errors)} error(s)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
