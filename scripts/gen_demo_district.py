#!/usr/bin/env python3
"""Generate the demo district data in data/demo/.

明湖区 (Minghu District, code MH) is a fictional district of "A市", the provincial capital the
teddy2020 messages speak of. This script writes, deterministically and with the standard library only:

  data/demo/units.json        org units: district, streets, communities, grids, command centres,
                              departments, enterprises, property companies, social orgs, volunteer teams
  data/demo/grids.geojson     one rectangle per grid; the 36 grids tile the district rectangle exactly
  data/demo/categories.json   the three-level appeal category tree, coded C01 / C01-01 / C01-01-01
  data/demo/routing.json      default dispatch rules: category -> lead department + co-handlers
  data/demo/README.md         what all of the above is, with every code and name

Usage:  python3 scripts/gen_demo_district.py [--tree PATH] [--out DIR]
The category tree is read from ../shared/data/teddy2020/category_tree.csv beside the repository
unless --tree says otherwise. Running it twice gives byte-identical files.
"""

import argparse
import csv
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TREE = os.path.join(ROOT, "..", "shared", "data", "teddy2020", "category_tree.csv")
DEFAULT_OUT = os.path.join(ROOT, "data", "demo")

DISTRICT = ("MH", "明湖区", "Minghu District")

# Streets (街道) with their three communities (社区). Grid blocks: S01 north-west, S02 north-east,
# S03 south-west, S04 south-east.
STREETS = [
    ("湖滨", "Hubin", [("湖滨", "Hubin"), ("柳堤", "Liudi"), ("荷花池", "Hehuachi")]),
    ("望月", "Wangyue", [("望月", "Wangyue"), ("银杏", "Yinxing"), ("枫林", "Fenglin")]),
    ("书院", "Shuyuan", [("书院", "Shuyuan"), ("文昌", "Wenchang"), ("学士", "Xueshi")]),
    ("桂花坪", "Guihuaping", [("桂花坪", "Guihuaping"), ("新桥", "Xinqiao"), ("金盆", "Jinpen")]),
]
GRID_ORDINALS = ["第一", "第二", "第三"]

# District departments (职能部门): short code, Chinese name, English name. The last six are not in the
# usual city-service set but are needed so that every first-level category has a plausible lead.
DEPARTMENTS = [
    ("CG", "城市管理局", "Urban Management Bureau"),
    ("ZJ", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("HB", "生态环境分局", "Ecology and Environment Sub-bureau"),
    ("JT", "交通运输局", "Transport Bureau"),
    ("GA", "公安分局", "Public Security Sub-bureau"),
    ("SC", "市场监督管理局", "Market Supervision and Administration Bureau"),
    ("JY", "教育局", "Education Bureau"),
    ("WJ", "卫生健康局", "Health Bureau"),
    ("RS", "人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("MZ", "民政局", "Civil Affairs Bureau"),
    ("ZR", "自然资源局", "Natural Resources Bureau"),
    ("SW", "水务局", "Water Affairs Bureau"),
    ("NY", "农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("WL", "文化旅游体育局", "Culture, Tourism and Sports Bureau"),
    ("FG", "发展和改革局", "Development and Reform Bureau"),
    ("GX", "工业和信息化局", "Industry and Information Technology Bureau"),
    ("SF", "司法局", "Justice Bureau"),
    ("YJ", "应急管理局", "Emergency Management Bureau"),
    ("JW", "纪委监委", "Commission for Discipline Inspection and Supervision"),
    ("ZF", "区政府办公室", "District Government Office"),
]

# Other governance actors (治理主体多元化), all with parent MH: (code, name, name_en, kind).
OTHER_ACTORS = [
    ("MH-E-WATER", "明湖供水有限公司", "Minghu Water Supply Co., Ltd.", "enterprise"),
    ("MH-E-POWER", "国网明湖供电公司", "State Grid Minghu Power Supply Company", "enterprise"),
    ("MH-E-GAS", "明湖燃气公司", "Minghu Gas Company", "enterprise"),
    ("MH-P-JINHU", "锦湖物业服务有限公司", "Jinhu Property Services Co., Ltd.", "property_company"),
    ("MH-P-GUIYUAN", "桂苑物业管理有限公司", "Guiyuan Property Management Co., Ltd.", "property_company"),
    ("MH-O-LELING", "明湖区乐龄社会工作服务中心", "Minghu Leling Social Work Service Centre", "social_org"),
    ("MH-O-LINLI", "明湖区邻里互助促进会", "Minghu Neighbourhood Mutual Aid Association", "social_org"),
    ("MH-V-REDVEST", "明湖区红马甲志愿服务队", "Minghu Red Vest Volunteer Service Team", "volunteer_team"),
    ("MH-V-YOUTH", "明湖区青年志愿服务队", "Minghu Youth Volunteer Service Team", "volunteer_team"),
]

# Geometry in integer microdegrees so that every coordinate is exact to 6 decimals.
# The district is 6 x 6 cells of 0.014 deg lon x 0.009 deg lat (about 1.37 km x 1.00 km),
# i.e. about 8.2 km x 6.0 km centred on lon 112.95, lat 28.20.
CELL_LON, CELL_LAT = 14_000, 9_000
WEST, SOUTH = 112_950_000 - 3 * CELL_LON, 28_200_000 - 3 * CELL_LAT

# English names of the 15 first-level categories, keyed by their Chinese name.
LEVEL1_EN = {
    "城乡建设": "Urban and rural construction",
    "党务政务": "Party and government affairs",
    "国土资源": "Land and resources",
    "环境保护": "Environmental protection",
    "纪检监察": "Discipline inspection and supervision",
    "交通运输": "Transport",
    "经济管理": "Economic management",
    "科技与信息产业": "Science, technology and information industry",
    "民政": "Civil affairs",
    "农村农业": "Agriculture and rural affairs",
    "商贸旅游": "Commerce and tourism",
    "卫生计生": "Health and family planning",
    "政法": "Politics and law",
    "教育文体": "Education, culture and sports",
    "劳动和社会保障": "Labour and social security",
}

# Default dispatch rules: (category path, lead department short code, co-handler short codes).
# A one-element path is a first-level category, a two-element path a second-level one; the more
# specific rule wins. Category paths are resolved to codes against the CSV.
ROUTING = [
    (("城乡建设",), "ZJ", ["CG"]),
    (("城乡建设", "安全生产"), "YJ", ["ZJ"]),
    (("城乡建设", "城市建设和市政管理"), "CG", ["ZJ"]),  # 园林绿化环卫, 环境卫生, 城管执法, 小区管理 ...
    (("城乡建设", "城乡规划"), "ZR", ["CG"]),  # planning; 违章建筑 enforced with city management
    (("城乡建设", "国有土地上房屋征收与补偿"), "ZJ", ["ZR"]),
    (("城乡建设", "集体土地上房屋拆迁与补偿"), "ZR", ["NY"]),
    (("城乡建设", "住房保障与房地产"), "ZJ", []),  # 物业服务, 保障性住房, 房屋租赁 ...
    (("党务政务",), "ZF", []),
    (("国土资源",), "ZR", []),
    (("环境保护",), "HB", ["CG"]),
    (("纪检监察",), "JW", []),
    (("交通运输",), "JT", []),
    (("经济管理",), "FG", []),
    (("经济管理", "安全生产"), "YJ", []),
    (("科技与信息产业",), "GX", []),
    (("科技与信息产业", "知识产权"), "SC", []),
    (("民政",), "MZ", []),
    (("农村农业",), "NY", []),
    (("农村农业", "水利水电"), "SW", ["NY"]),
    (("农村农业", "水库移民"), "SW", []),
    (("农村农业", "林业管理"), "ZR", ["NY"]),
    (("商贸旅游",), "SC", []),
    (("商贸旅游", "旅游管理"), "WL", ["SC"]),
    (("卫生计生",), "WJ", []),
    (("卫生计生", "食品药品监管"), "SC", ["WJ"]),
    (("政法",), "GA", []),
    (("政法", "交通管理"), "GA", ["JT"]),
    (("政法", "法律服务"), "SF", []),
    (("政法", "法制建设"), "SF", []),
    (("政法", "行政复议"), "SF", []),
    (("政法", "刑罚执行"), "SF", ["GA"]),
    (("政法", "仲裁与调解"), "SF", ["RS"]),
    (("教育文体",), "JY", []),
    (("教育文体", "文化"), "WL", []),
    (("教育文体", "体育"), "WL", []),
    (("教育文体", "文物管理"), "WL", []),
    (("劳动和社会保障",), "RS", []),
]


def unit(code, name, name_en, kind, parent):
    return {"code": code, "name": name, "name_en": name_en, "kind": kind, "parent": parent}


def build_units_and_grids():
    """Org units plus one GeoJSON feature per grid."""
    units = [unit(DISTRICT[0], DISTRICT[1], DISTRICT[2], "district", None),
             unit("MH-CC", "明湖区接诉即办指挥中心", "Minghu District 12345 Appeal Command Centre",
                  "command_center", "MH")]
    features = []
    for s, (s_zh, s_en, communities) in enumerate(STREETS):
        s_code = f"MH-S{s + 1:02d}"
        units.append(unit(s_code, f"{s_zh}街道", f"{s_en} Subdistrict", "street", "MH"))
        units.append(unit(f"{s_code}-CC", f"{s_zh}街道综治中心",
                          f"{s_en} Subdistrict Comprehensive Governance Centre",
                          "command_center", s_code))
        block_col, block_row = s % 2, s // 2  # block_row 0 = north
        for c, (c_zh, c_en) in enumerate(communities):
            c_code = f"{s_code}-C{c + 1:02d}"
            units.append(unit(c_code, f"{c_zh}社区", f"{c_en} Community", "community", s_code))
            for g, ordinal in enumerate(GRID_ORDINALS):
                g_code = f"{c_code}-G{g + 1:02d}"
                g_name = f"{c_zh}社区{ordinal}网格"
                units.append(unit(g_code, g_name, f"{c_en} Community Grid {g + 1}", "grid", c_code))
                # Communities are west-to-east strips of their street block; grids run north to south.
                col = block_col * 3 + c
                row_from_north = block_row * 3 + g
                features.append(grid_feature(g_code, g_name, c_code, s_code, col, 5 - row_from_north))
    for short, zh, en in DEPARTMENTS:
        units.append(unit(f"MH-D-{short}", zh, en, "department", "MH"))
    for code, zh, en, kind in OTHER_ACTORS:
        units.append(unit(code, zh, en, kind, "MH"))
    return units, features


def grid_feature(code, name, community, street, col, row):
    """A rectangular cell; col counts from the west, row from the south."""
    w, e = WEST + col * CELL_LON, WEST + (col + 1) * CELL_LON
    s, n = SOUTH + row * CELL_LAT, SOUTH + (row + 1) * CELL_LAT
    # Counter-clockwise exterior ring, closed: SW, SE, NE, NW, SW.
    ring = [[x / 1e6, y / 1e6] for x, y in ((w, s), (e, s), (e, n), (w, n), (w, s))]
    return {"type": "Feature",
            "properties": {"code": code, "name": name, "community": community, "street": street},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def read_tree(path):
    """The CSV's (level1, level2, level3) paths, in file order, without repeats."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header != ["一级分类", "二级分类", "三级分类"]:
        raise SystemExit(f"{path}: unexpected header {header}")
    paths = []
    for row in body:
        path_ = tuple(cell.strip() for cell in row)
        if len(path_) != 3 or not all(path_):
            raise SystemExit(f"{path}: bad row {row}")
        if path_ not in paths:
            paths.append(path_)
    return paths


def build_categories(paths):
    """Nodes in depth-first order, numbered by first appearance; returns (nodes, code by path)."""
    codes = {}  # path tuple (1, 2 or 3 names) -> code
    children = {(): 0}  # path -> number of children coded so far
    nodes = []
    for full in paths:
        for depth in (1, 2, 3):
            path_ = full[:depth]
            if path_ in codes:
                continue
            parent = full[:depth - 1]
            children[parent] += 1
            children[path_] = 0
            n = children[parent]
            code = f"C{n:02d}" if depth == 1 else f"{codes[parent]}-{n:02d}"
            codes[path_] = code
            nodes.append({"code": code, "name": path_[-1], "parent": codes.get(parent),
                          "level": depth, "name_en": LEVEL1_EN[path_[0]] if depth == 1 else None})
    return nodes, codes


def build_routing(codes):
    rules = []
    for path_, lead, co in ROUTING:
        if path_ not in codes:
            raise SystemExit(f"routing: unknown category {'/'.join(path_)}")
        rules.append({"category": codes[path_], "area": None, "lead": f"MH-D-{lead}",
                      "co": [f"MH-D-{c}" for c in co]})
    return sorted(rules, key=lambda r: r["category"])


def dumps_array(items):
    """A JSON array with one compact object per line: readable and diff-friendly."""
    lines = [json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) for item in items]
    return "[\n  " + ",\n  ".join(lines) + "\n]\n"


def dumps_feature_collection(features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(", ", ": ")) for f in features]
    return ('{\n  "type": "FeatureCollection",\n  "features": [\n    '
            + ",\n    ".join(lines) + "\n  ]\n}\n")


def build_readme(units, nodes, rules, csv_rows, codes):
    by_code = {u["code"]: u for u in units}
    cat = {n["code"]: n for n in nodes}
    out = []
    w = out.append
    w("# Demo district: 明湖区 (Minghu District)\n")
    w("A fictional district of \"A市\", the provincial capital in central China that the teddy2020 "
      "messages (`../shared/data/teddy2020`) come from. It gives the demo, the tests and the web map "
      "one consistent organisation tree, grid map, category tree and set of dispatch rules.\n")
    w("Every file here is generated: `python3 scripts/gen_demo_district.py` regenerates all of them "
      "deterministically (running it twice gives byte-identical files). Do not edit them by hand; "
      "change the script.\n")
    w("| file | content |\n|---|---|")
    w("| `units.json` | org units: `{code, name, name_en, kind, parent}` |")
    w("| `grids.geojson` | one Polygon per grid: `properties {code, name, community, street}` |")
    w("| `categories.json` | the appeal category tree: `{code, name, parent, level, name_en}` |")
    w("| `routing.json` | default dispatch rules: `{category, area, lead, co}` |")
    w("| `README.md` | this file |\n")

    counts = {}
    for u in units:
        counts[u["kind"]] = counts.get(u["kind"], 0) + 1
    w("## Organisation tree\n")
    w("`units.json` is a JSON array, one unit per line. `kind` is one of " + ", ".join(
        f"`{k}` ({n})" for k, n in counts.items()) + f"; {len(units)} units in all. `parent` is "
      "null for the district; streets, departments, the district command centre and the other "
      "actors have parent `MH`; a street command centre belongs to its street, a community to its "
      "street, a grid to its community.\n")
    w("Codes: street `MH-Snn`, community `MH-Snn-Cnn`, grid `MH-Snn-Cnn-Gnn`, street command centre "
      "`MH-Snn-CC`, department `MH-D-<short>`, enterprise `MH-E-*`, property company `MH-P-*`, "
      "social organisation `MH-O-*`, volunteer team `MH-V-*`.\n")
    w("### District, streets, communities and grids\n")
    w("| code | name | English name | kind |\n|---|---|---|---|")
    for u in units:
        if u["kind"] in ("district", "street", "community", "grid") or u["code"].endswith("-CC"):
            w(f"| `{u['code']}` | {u['name']} | {u['name_en']} | {u['kind']} |")
    w("")
    w("### Departments and other actors\n")
    w("| code | name | English name | kind |\n|---|---|---|---|")
    for u in units:
        if u["kind"] not in ("district", "street", "community", "grid", "command_center"):
            w(f"| `{u['code']}` | {u['name']} | {u['name_en']} | {u['kind']} |")
    w("")

    w("## Grid map\n")
    west, south = WEST / 1e6, SOUTH / 1e6
    east, north = (WEST + 6 * CELL_LON) / 1e6, (SOUTH + 6 * CELL_LAT) / 1e6
    w(f"The district is the rectangle lon {west:.6f}–{east:.6f}, lat {south:.6f}–{north:.6f} "
      "(WGS84, about 8.2 km east–west by 6.0 km north–south, centred on 112.95 E, 28.20 N). It is "
      f"cut into 6 × 6 cells of {CELL_LON / 1e6:.3f}° lon × {CELL_LAT / 1e6:.3f}° lat "
      "(about 1.37 km × 1.00 km), one per grid, so the grids tile the district with no gaps or "
      "overlaps. Each street is a 3 × 3 block, each community a west-to-east column of its "
      "street's block, and its grids G01–G03 run north to south. Streets and communities are the "
      "unions of their grids; `grids.geojson` holds grids only.\n")
    w("```\n        west                 east\nnorth   MH-S01 湖滨  | MH-S02 望月\n"
      "        -------------+------------\nsouth   MH-S03 书院  | MH-S04 桂花坪\n```\n")
    w("Coordinates are `[lon, lat]` with at most 6 decimals; each ring is closed and its exterior "
      "runs counter-clockwise (RFC 7946).\n")

    level_counts = [sum(1 for n in nodes if n["level"] == k) for k in (1, 2, 3)]
    w("## Categories\n")
    w(f"`categories.json` is the three-level tree of `category_tree.csv` ({csv_rows} distinct paths): "
      f"{level_counts[0]} first-level, {level_counts[1]} second-level and {level_counts[2]} "
      "third-level nodes, in depth-first order. Codes number children by first appearance in the "
      "CSV: first level `C01`…`C15`, second level `C01-01`…, third level `C01-01-01`…. "
      "`parent` is the parent's code (null at level 1); `name_en` is given for the first level "
      "only. The same name can occur under different parents (e.g. 其他); the code, not the "
      "name, identifies a node. The tree is read from `../shared/data/teddy2020/category_tree.csv` "
      "beside the repository (`--tree` names another copy).\n")
    w("| code | name | English name | second-level nodes |\n|---|---|---|---|")
    for n in nodes:
        if n["level"] == 1:
            kids = sum(1 for m in nodes if m["parent"] == n["code"])
            w(f"| `{n['code']}` | {n['name']} | {n['name_en']} | {kids} |")
    w("")

    w("## Routing rules\n")
    w("`routing.json` lists the default dispatch rules, one per line:\n")
    w("```json\n" + json.dumps(rules[0], ensure_ascii=False, separators=(", ", ": ")) + "\n```\n")
    w("`category` is a first- or second-level category code; a case takes the rule of its "
      "second-level category if there is one, else that of its first-level category. `area` "
      "limits a rule to a street, community or grid code and is null (the whole district) in "
      "every default rule. `lead` is the lead department (主办), `co` the co-handling "
      "departments (协办). Third-level categories follow their second-level parent: "
      f"园林绿化环卫 `{codes[('城乡建设', '城市建设和市政管理', '园林绿化环卫')]}` goes to city management "
      f"through `{codes[('城乡建设', '城市建设和市政管理')]}`, 物业服务 "
      f"`{codes[('城乡建设', '住房保障与房地产', '物业服务')]}` to housing through "
      f"`{codes[('城乡建设', '住房保障与房地产')]}`.\n")
    w("| category | name | lead | co |\n|---|---|---|---|")
    for r in rules:
        c = cat[r["category"]]
        name = c["name"] if c["level"] == 1 else f"{cat[c['parent']]['name']} / {c['name']}"
        co = ", ".join(f"{by_code[x]['name']} `{x}`" for x in r["co"]) or "—"
        w(f"| `{r['category']}` | {name} | {by_code[r['lead']]['name']} `{r['lead']}` | {co} |")
    w("")
    return "\n".join(out)


def write(out_dir, name, text):
    with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", default=DEFAULT_TREE, help="category_tree.csv of teddy2020")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default data/demo)")
    args = ap.parse_args()

    units, features = build_units_and_grids()
    paths = read_tree(args.tree)
    nodes, codes = build_categories(paths)
    rules = build_routing(codes)

    os.makedirs(args.out, exist_ok=True)
    write(args.out, "units.json", dumps_array(units))
    write(args.out, "grids.geojson", dumps_feature_collection(features))
    write(args.out, "categories.json", dumps_array(nodes))
    write(args.out, "routing.json", dumps_array(rules))
    write(args.out, "README.md", build_readme(units, nodes, rules, len(paths), codes))


if __name__ == "__main__":
    main()
