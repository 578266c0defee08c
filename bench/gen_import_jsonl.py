#!/usr/bin/env python3
"""Writes input for `civicgrid import cases`: N lines of historical cases with full, valid histories.

Each line is one case of the demo district (data/demo): an appeal with a title and text from the
teddy2020 messages (or a few built-in titles when that file is absent), a location inside one of the
grids, a category and its usual department, and a timeline that obeys the case state machine:

  submit → register → dispatch → accept → handle → verify → close → evaluate   (most cases)

with some variations: returned by the first department and dispatched again, failed verification and
rework, extensions, supervision, summons with a report, rejections, duplicates merged into an earlier
case, unsatisfied evaluations that reopen the case, and cases still open.

--broken K adds K lines that the importer must reject (malformed JSON, an action in the wrong state,
an unknown action, times going backwards, an unknown department, a missing title, a history not
starting with submit); --broken-list FILE writes their line numbers and kinds as JSON.

Cases come in line order (intake times increase with the line number, as in an export by case
number); --shuffled spreads them at random over 2019-2024 instead.

Usage: gen_import_jsonl.py N [-o FILE] [--broken K] [--seed S] [--prefix H] [--shuffled]
Python 3 standard library only.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEMO = os.path.join(REPO, "data", "demo")
MESSAGES = os.path.join(os.path.dirname(REPO), "shared", "data", "teddy2020", "messages_with_replies.csv")
CST = dt.timezone(dt.timedelta(hours=8))

BUILTIN = [
    ("小区门口道路破损严重，雨天积水", "小区门口的道路坑洼不平，下雨后大量积水，行人和车辆通行困难，希望尽快修复。",
     "经现场核查，已安排施工队对破损路面进行修补，积水问题已解决。"),
    ("楼下餐馆油烟扰民", "楼下新开的餐馆油烟直排，晚上噪音也很大，严重影响居民休息。",
     "执法人员已上门检查，责令商户加装油烟净化设备并限期整改。"),
    ("路灯不亮，夜间出行不安全", "街道两侧多盏路灯长期不亮，夜间出行很不安全，请相关部门维修。",
     "已安排维修人员更换损坏灯具，路灯已恢复照明。"),
    ("小区垃圾清运不及时", "小区垃圾站的垃圾堆放多日无人清运，气味难闻，蚊虫滋生。",
     "已督促环卫公司增加清运频次，并对垃圾站进行消杀。"),
    ("咨询新生入学政策", "孩子今年上小学，想咨询户籍和学区的入学政策和报名时间。",
     "已电话联系诉求人，详细解答了入学政策和报名流程。"),
    ("建筑工地夜间施工噪音大", "附近工地每天晚上十点后还在施工，噪音很大，影响休息。",
     "已对施工单位进行约谈，要求严格遵守夜间施工规定。"),
    ("公交站台缺少遮雨棚", "公交站台没有遮雨棚，雨天候车很不方便，建议加装。", "已将建议转交公交公司，纳入站台改造计划。"),
    ("拖欠农民工工资", "在某工地务工三个月，老板一直拖欠工资不发，请求帮助追讨。",
     "经劳动监察调解，用人单位已结清拖欠工资。"),
]
RESULTS = ["已现场核查并处置完毕", "已督促责任单位整改到位", "已电话回复诉求人并解释相关政策",
           "已安排人员维修，问题已解决", "已约谈相关单位，限期整改", "已协调相关部门联合处置"]
REASONS_REJECT = ["不属于本区受理范围", "诉求内容不明确，无法立案", "重复反映，已另案办理", "属于司法程序处理事项"]
REASONS_RETURN = ["不属于本单位职责", "派遣错误，应由属地街道办理", "涉及多部门，请重新派遣"]
NOTES = ["请加快办理", "群众反映强烈，请尽快处置", "请于规定时限内回复"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "华", "平"]


def load_demo():
    with open(os.path.join(DEMO, "units.json"), encoding="utf-8") as f:
        units = json.load(f)
    with open(os.path.join(DEMO, "grids.geojson"), encoding="utf-8") as f:
        grids = json.load(f)["features"]
    with open(os.path.join(DEMO, "categories.json"), encoding="utf-8") as f:
        categories = json.load(f)
    with open(os.path.join(DEMO, "routing.json"), encoding="utf-8") as f:
        routing = json.load(f)
    boxes = []
    for g in grids:
        ring = g["geometry"]["coordinates"][0]
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        boxes.append((g["properties"]["code"], min(lons), max(lons), min(lats), max(lats)))
    departments = [u["code"] for u in units if u["kind"] == "department"]
    rules = {r["category"]: (r["lead"], r.get("co") or []) for r in routing if not r.get("area")}
    parent = {c["code"]: c.get("parent") for c in categories}
    leaves = [c["code"] for c in categories if c["level"] == 3]
    return boxes, departments, rules, parent, leaves


def load_messages():
    try:
        with open(MESSAGES, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError:
        return BUILTIN
    out = []
    for r in rows:
        title = (r.get("留言主题") or "").strip()[:200]
        text = " ".join((r.get("留言详情") or "").split())[:160] or title
        reply = " ".join((r.get("答复意见") or "").split())[:120]
        if title and reply:
            out.append((title, text, reply))
    return out or BUILTIN


class Generator:
    def __init__(self, rng, prefix, total, shuffled):
        self.rng = rng
        self.prefix = prefix
        self.boxes, self.departments, self.rules, self.parent, self.leaves = load_demo()
        self.messages = load_messages()
        self.merge_target = None  # (external_id, submitted, closed) of a recent case open for a while
        self.start = dt.datetime(2019, 1, 2, 8, 0, tzinfo=CST).timestamp()
        self.span = dt.datetime(2024, 6, 30, tzinfo=CST).timestamp() - self.start
        self.total = max(total, 1)
        self.shuffled = shuffled

    def intake_time(self, seq):
        """When case `seq` came in: in line order, as an export by case number lists them, unless
        --shuffled asks for random order."""
        if self.shuffled:
            return self.start + self.rng.random() * self.span
        step = self.span / self.total
        return self.start + (seq - 1) * step + self.rng.random() * step

    def route(self, category):
        c = category
        while c:
            if c in self.rules:
                return self.rules[c]
            c = self.parent.get(c)
        return ("MH-D-ZF", [])

    def other_department(self, not_this):
        while True:
            d = self.rng.choice(self.departments)
            if d != not_this:
                return d

    def intake(self, external_id, category):
        rng = self.rng
        title, text, _ = rng.choice(self.messages)
        case = {
            "external_id": external_id,
            "type": rng.choices(["complaint", "request", "consultation", "suggestion", "report", "praise"],
                                [50, 25, 10, 8, 5, 2])[0],
            "title": title,
            "description": text,
            "urgency": rng.choices(["normal", "urgent", "emergency"], [90, 8, 2])[0],
            "channel": rng.choices(["hotline", "web", "app", "wechat"], [70, 12, 8, 10])[0],
        }
        if category and rng.random() < 0.7:
            case["category"] = category
        where = rng.random()
        code, lon0, lon1, lat0, lat1 = rng.choice(self.boxes)
        if where < 0.85:
            case["location"] = {"lat": round(rng.uniform(lat0, lat1), 6), "lon": round(rng.uniform(lon0, lon1), 6)}
        elif where < 0.95:
            case["grid"] = code
        case["address"] = "明湖区" + rng.choice(["湖滨路", "望月路", "书院路", "桂花路", "新桥街", "金盆巷"]) + \
            str(rng.randint(1, 399)) + "号"
        if rng.random() < 0.1:
            case["anonymous"] = True
        elif rng.random() < 0.8:
            case["contact"] = {"name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                               "phone": "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))}
        return case

    def case(self, seq):
        """One valid case: (dict, external_id, submitted, closed-or-None, mergeable)."""
        rng = self.rng
        external_id = "%s-%07d" % (self.prefix, seq)
        category = rng.choice(self.leaves)
        case = self.intake(external_id, category)
        t = self.intake_time(seq)
        events = []

        def at(min_minutes, max_minutes):
            nonlocal t
            t += rng.uniform(min_minutes, max_minutes) * 60
            return dt.datetime.fromtimestamp(int(t), CST).isoformat()

        roll = rng.random()
        target = self.merge_target
        if roll < 0.02 and target:
            # A duplicate of a recent case, reported while that one is still open: merged into it.
            t = target[1] + rng.uniform(30, 120) * 60
            if target[2] is None or target[2] > t + 4 * 3600:
                events.append({"at": at(0, 0), "action": "submit"})
                events.append({"at": at(5, 60), "action": "merge", "into": target[0]})
                case["events"] = events
                return case, False
            t = self.intake_time(seq)
        events.append({"at": at(0, 0), "action": "submit"})
        submitted = t
        if roll < 0.07:
            events.append({"at": at(5, 240), "action": "reject", "reason": rng.choice(REASONS_REJECT)})
            case["events"] = events
            return case, False
        register = {"at": at(5, 120), "action": "register"}
        if "category" not in case:
            register["category"] = category
        events.append(register)
        lead, co = self.route(category)
        if rng.random() < 0.08:  # the first department returns it
            wrong = self.other_department(lead)
            events.append({"at": at(10, 240), "action": "dispatch", "department": wrong})
            events.append({"at": at(30, 600), "action": "return", "reason": rng.choice(REASONS_RETURN)})
        dispatch = {"at": at(10, 240), "action": "dispatch", "department": lead}
        if co and rng.random() < 0.3:
            dispatch["co_departments"] = co
        if rng.random() < 0.2:
            dispatch["note"] = rng.choice(NOTES)
        events.append(dispatch)
        if rng.random() < 0.03:
            summoned = self.other_department(lead)
            events.append({"at": at(10, 120), "action": "summon", "departments": [summoned],
                           "within_minutes": 120})
            events.append({"at": at(20, 110), "action": "report", "department": summoned})
        open_case = rng.random() < 0.05
        events.append({"at": at(30, 1440), "action": "accept", "contacted": rng.random() < 0.8})
        if rng.random() < 0.05:
            events.append({"at": at(60, 1440), "action": "extend", "days": rng.randint(1, 10),
                           "reason": "需协调多个部门"})
            events.append({"at": at(30, 600), "action": "approve_extension"})
        if rng.random() < 0.04:
            events.append({"at": at(60, 2880), "action": "supervise", "note": rng.choice(NOTES)})
        if open_case:
            case["events"] = events
            self.merge_target = (external_id, submitted, None)
            return case, True
        reply = rng.choice(self.messages)[2]
        rounds = 2 if rng.random() < 0.06 else 1  # failed verification: rework
        for r in range(rounds):
            events.append({"at": at(240, 7200), "action": "handle", "result": rng.choice(RESULTS), "reply": reply})
            if r + 1 < rounds:
                events.append({"at": at(60, 2880), "action": "verify", "ok": False, "note": "现场核查未整改到位"})
        events.append({"at": at(60, 2880), "action": "verify", "ok": True})
        events.append({"at": at(30, 1440), "action": "close"})
        closed = t
        if rng.random() < 0.9:
            ev = rng.random()
            if ev < 0.03:  # unresolved and unsatisfied: reopened, dispatched again
                events.append({"at": at(600, 7200), "action": "evaluate", "resolved": "unresolved",
                               "satisfaction": "unsatisfied", "comment": "问题没有解决"})
                events.append({"at": at(30, 600), "action": "dispatch", "department": lead})
                events.append({"at": at(30, 1440), "action": "accept"})
                events.append({"at": at(240, 7200), "action": "handle", "result": rng.choice(RESULTS), "reply": reply})
                events.append({"at": at(60, 2880), "action": "verify", "ok": True})
                events.append({"at": at(30, 1440), "action": "close"})
            else:
                resolved = rng.choices(["resolved", "partly", "unresolved"], [80, 15, 5])[0]
                satisfaction = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], [75, 18, 7])[0]
                if resolved == "unresolved" and satisfaction == "unsatisfied":
                    satisfaction = "basically_satisfied"
                evaluation = {"at": at(600, 7200), "action": "evaluate", "resolved": resolved,
                              "satisfaction": satisfaction}
                if rng.random() < 0.3:
                    evaluation["comment"] = rng.choice(["办理及时，态度很好", "感谢", "希望以后加强巡查"])
                events.append(evaluation)
        case["events"] = events
        self.merge_target = (external_id, submitted, closed)
        return case, True

    def broken(self, seq, kind):
        """A line the importer must reject."""
        case, _ = self.case(seq)
        self.merge_target = None  # never merge into a broken line
        ev = case["events"]
        if kind == "invalid_json":
            return json.dumps(case, ensure_ascii=False)[:-7]
        if kind == "accept_before_dispatch":
            case["events"] = ev[:2] + [{"at": ev[1]["at"], "action": "accept"}]
        elif kind == "unknown_action":
            case["events"] = ev[:2] + [{"at": ev[1]["at"], "action": "teleport"}]
        elif kind == "time_backwards":
            case["events"] = [ev[0], dict(ev[1], at="2018-01-01T00:00:00+08:00")] + ev[2:]
        elif kind == "unknown_department":
            case["events"] = ev[:2] + [{"at": ev[1]["at"], "action": "dispatch", "department": "MH-D-XX"}]
        elif kind == "missing_title":
            del case["title"]
        elif kind == "no_submit":
            case["events"] = ev[1:]
        elif kind == "bad_time":
            case["events"] = [dict(ev[0], at="2019-13-45 25:00")] + ev[1:]
        return json.dumps(case, ensure_ascii=False, separators=(",", ":"))


BROKEN_KINDS = ["invalid_json", "accept_before_dispatch", "unknown_action", "time_backwards",
                "unknown_department", "missing_title", "no_submit", "bad_time"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int, help="number of valid cases")
    ap.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    ap.add_argument("--broken", type=int, default=0, help="add this many lines the importer must reject")
    ap.add_argument("--broken-list", help="write the broken lines' numbers and kinds here (JSON)")
    ap.add_argument("--seed", type=int, default=20200101)
    ap.add_argument("--prefix", default="H", help="external_id prefix (ids are PREFIX-0000001, ...)")
    ap.add_argument("--shuffled", action="store_true",
                    help="intake times in random order (default: increasing with the line, as exports are)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    gen = Generator(rng, args.prefix, args.count + args.broken, args.shuffled)
    total = args.count + args.broken
    broken_at = set(rng.sample(range(1, total + 1), args.broken)) if args.broken else set()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    listed = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    chunk = []
    for line in range(1, total + 1):
        if line in broken_at:
            kind = BROKEN_KINDS[len(listed) % len(BROKEN_KINDS)]
            listed.append({"line": line, "external_id": "%s-%07d" % (args.prefix, line), "kind": kind})
            chunk.append(gen.broken(line, kind))
        else:
            chunk.append(dumps(gen.case(line)[0]))
        if len(chunk) >= 10000:
            out.write("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        out.write("\n".join(chunk) + "\n")
    if out is not sys.stdout:
        out.close()
    if args.broken_list:
        with open(args.broken_list, "w", encoding="utf-8") as f:
            json.dump(listed, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
