#!/usr/bin/env python3
"""polrun --explain on the bundled policies (Rizhao, Weinan, the Weifang top-up
and the timelines), text and JSON: compared exactly with the expected files
beside this script (regenerate with --update, then READ the diff), every JSON
explanation validated against docs/explain.schema.json, and the facts the
issue asks for checked by value: function arguments and results, parameter
versions read inside functions, values before rounding, rates as 6%, exact
fractions, imports and overrides.  English runs set LC_ALL=C.UTF-8; the
Chinese cases (zh/, run with LC_ALL=zh_CN.UTF-8) pin the text explanation in
Simplified Chinese, and every JSON explanation is checked to be the same bytes
in both languages (JSON keys and values stay English).

Usage: check_explain.py POLRUN REPO_ROOT [--update]"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import schema_check  # noqa: E402  (jsonschema when installed, else a validator of the subset the schema uses)

RZ, WN, WF, FW = "policies/rizhao/", "policies/weinan/", "policies/weifang/", "policies/framework/"
CASES = [
    ("rizhao-early.txt", [RZ + "rizhao-2025.pol", RZ + "scenario-early.json", "--explain"]),
    ("rizhao-late.json", [RZ + "rizhao-2025.pol", RZ + "scenario-late.json", "--explain=json"]),
    ("weinan-retired.txt", [WN + "weinan-2023.pol", WN + "scenario-retired.json", "--explain"]),
    ("weifang-topup.txt", [WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain"]),
    ("weifang-topup.json", [WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain=json"]),
    ("weifang-topup-focus.txt", [WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain=每月补差"]),
    ("rizhao-reform.txt", [RZ + "rizhao-2025-reform-8pct.pol", RZ + "scenario-late.json", "--explain=月缴费额_改革后"]),
    ("rizhao-timeline-2025-06.txt", [RZ + "rizhao-2025-timeline.pol", RZ + "scenario-timeline-late-back-payment.json",
                                     "--explain-month", "2025-06"]),
    ("rizhao-timeline-2025-06.json", [RZ + "rizhao-2025-timeline.pol", RZ + "scenario-timeline-late-back-payment.json",
                                      "--explain=json:首个享受待遇月", "--explain-month", "2025-06"]),
    # why a month has its status: interrupted (since 2025-02), covered by a payment, paid after the 20th
    ("rizhao-timeline-2025-04.txt", [RZ + "rizhao-2025-timeline.pol", RZ + "scenario-timeline-late-back-payment.json",
                                     "--explain=享受待遇月数", "--explain-month", "2025-04"]),
    ("rizhao-timeline-2025-01.json", [RZ + "rizhao-2025-timeline.pol", RZ + "scenario-timeline-late-back-payment.json",
                                      "--explain=json:享受待遇月数", "--explain-month", "2025-01"]),
    ("weinan-timeline-2023-03.txt", [WN + "weinan-2023-timeline.pol", WN + "scenario-timeline-employment-refund.json",
                                     "--explain=逐月待遇", "--explain-month", "2023-03"]),
    ("weifang-timeline-2023-10.json", [WF + "weifang-hanting-2023-timeline.pol", WF + "scenario-timeline.json",
                                       "--explain=json:中断月数", "--explain-month", "2023-10"]),
    ("weinan-timeline.txt", [WN + "weinan-2023-timeline.pol", WN + "scenario-timeline-employment-refund.json",
                             "--explain=退费金额"]),
    ("weinan-timeline-2023-07.json", [WN + "weinan-2023-timeline.pol", WN + "scenario-timeline-employment-refund.json",
                                      "--explain=json", "--explain-month", "2023-07"]),
    # match: the member the scrutinee held and the arm taken (its pattern, number, position, expression, value)
    ("framework-basis.txt", [FW + "flexible-employment-framework.pol", FW + "scenario-example-004.json", "--explain=参保依据"]),
    ("framework-basis.json", [FW + "flexible-employment-framework.pol", FW + "scenario-example-004.json", "--explain=json:参保依据"]),
    # an arm that is not applicable: the output shows the steps to it (bench/mixed.pol, the benchmark's policy)
    ("mixed-weinan-retired.txt", ["bench/mixed.pol", "tests/explain/scenario-mixed-weinan-retired.json", "--explain=全年缴费合计"]),
    ("mixed-weinan-retired.json", ["bench/mixed.pol", "tests/explain/scenario-mixed-weinan-retired.json", "--explain=json:基本医疗月缴费"]),
]
# Chinese text explanations: the expected files are under zh/
ZH_CASES = [
    ("zh/weifang-topup.txt", [WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain"]),
    ("zh/weinan-timeline.txt", [WN + "weinan-2023-timeline.pol", WN + "scenario-timeline-employment-refund.json",
                                "--explain=退费金额"]),
    ("zh/rizhao-timeline-2025-06.txt", [RZ + "rizhao-2025-timeline.pol", RZ + "scenario-timeline-late-back-payment.json",
                                        "--explain-month", "2025-06"]),
    ("zh/framework-basis.txt", [FW + "flexible-employment-framework.pol", FW + "scenario-example-004.json", "--explain=参保依据"]),
    ("zh/mixed-weinan-retired.txt", ["bench/mixed.pol", "tests/explain/scenario-mixed-weinan-retired.json", "--explain=全年缴费合计"]),
]
EN = dict(os.environ, LC_ALL="C.UTF-8")
ZH = dict(os.environ, LC_ALL="zh_CN.UTF-8")


def walk(steps):
    for s in steps:
        yield s
        yield from walk(s.get("steps", []))


def find(steps, **want):
    return [s for s in walk(steps) if all(s.get(k) == v for k, v in want.items())]


def facts(name, got):
    """What each pinned explanation must show, by value (not only by diff)."""
    p = []
    if name == "weifang-topup.json":
        ex = json.loads(got)["explanation"]
        # the tier's rate is one table by 缴费档次 and date (weifang-tiers.pol): the row and cell read, its version,
        # the date it was looked up at, its clause, and the file it was imported from
        rows = find(ex, kind="parameter", name="档次费率[无账户无生育]")
        if not rows or (rows[0]["value"], rows[0]["from"], rows[0]["to"], rows[0]["date"], rows[0]["cite"]) != (
                "6%", "2023-01-01", "2023-12-31", "2023-08-01", "三、3"):
            p.append(f"the rate's row and 2023 version read in 补差年度费率: {rows[:1]}")
        if not rows or rows[0].get("imported_from", "").split("/")[-1] != "weifang-tiers.pol":
            p.append("档次费率 is not marked as imported")
        if not find(ex, kind="rule", name="补差年度费率", value="6%"):
            p.append("rule 补差年度费率 = 6%")
        rounds = {(r["unrounded"], r["value"], r["places"], r["mode"]) for r in find(ex, kind="round")}
        if rounds != {("254.52", "254.52", 2, "half_up"), ("238.80", "238.80", 2, "half_up")}:
            p.append(f"the values before rounding: {rounds}")
    if name == "weifang-topup.txt":
        for line in ("= 档次费率[档次, 2023-08-01]",
                     "parameter 档次费率[无账户无生育] = 6% (version 2023-01-01..2023-12-31, looked up at 2023-08-01)   [三、3]",
                     "(imported from policies/weifang/weifang-tiers.pol)",
                     "round(暂按缴费基数 * 补差年度费率, 2) = 238.80 (unrounded 238.80, to 2 places, half_up)",
                     "rule 补差年度费率 = 6%"):
            if line not in got:
                p.append(f"missing: {line}")
    if name == "rizhao-late.json":
        ex = json.loads(got)["explanation"]
        e = find(ex, kind="output", name="月缴费额")[0]
        if e["cite"] != "一(一)1、2" or not find(e["steps"], kind="parameter", name="费率", value="5%"):
            p.append("月缴费额's explanation lacks its clause or the rate")
        b = find(ex, kind="parameter", name="适用月缴费基数") or find(ex, kind="parameter", value="4504")
        if not b or (b[0]["value"], b[0]["from"], b[0]["to"], b[0]["date"]) != ("4504", "2025-10-01", "2025-12-31", "2025-10-01"):
            p.append(f"the base's version is not explained: {b[:1]}")
    if name == "rizhao-reform.txt" and "(an override: replaces the value of" not in got:
        p.append("the overridden rate is not marked")
    if name == "rizhao-timeline-2025-06.json":
        d = json.loads(got)
        calls = find(d["explanation"], kind="call", name="状态")
        if d.get("month") != "2025-06" or not calls or calls[0]["arguments"] != ["2025-06"] or calls[0]["value"] != "等待期":
            p.append(f"状态(2025-06): {calls[:1]}")
        # a function reading itself at m - 1: each call's own result, not its inner call's
        if not find(d["explanation"], kind="call", name="有未决", arguments=["2025-05"], value=True):
            p.append("有未决(2025-05) = true (the unpaid 2025-02 still open)")
        if not find(d["explanation"], kind="call", name="有未决", arguments=["2025-01"], value=False):
            p.append("有未决(2025-01) = false")
        if any("2025-06" not in c["arguments"] for c in find(d["explanation"], kind="call", name="状态")):
            p.append("--explain-month shows another month's 状态")
    if name in ("rizhao-timeline-2025-06.json", "rizhao-timeline-2025-01.json", "weinan-timeline-2023-07.json",
                "weifang-timeline-2023-10.json"):
        w = json.loads(got).get("why", {})
        because = {(c["name"], tuple(c["arguments"])): c for c in w.get("because", [])}
        recs = [(r["index"], r["fields"].get("缴费日期"),
                 [(x["kind"], x["call"], x["value"]) if x["kind"] == "argument" else
                  (x["kind"], x["call"], x["field"], x["value"]) if x["kind"] == "looked_up" else
                  (x["kind"], x["month"]) + ((x["carried_by"],) if "carried_by" in x else ()) for x in r["relations"]])
                for r in w.get("records", [])]
        want = {
            "rizhao-timeline-2025-06.json": (("状态", "等待期", "等待期中(m)", True),
                                             [(1, "2025-06-15", [("covers", "2025-06"), ("paid_in", "2025-06"), ("covers", "2025-02", "有未决"),
                                                                 ("looked_up", "当月有缴费", "缴费日期", "2025-06")])]),
            "rizhao-timeline-2025-01.json": (("状态", "正常享受", "已缴(m) and 缴费日(m) <= last_day(m)", True),
                                             [(0, "2025-01-10", [("covers", "2025-01"), ("paid_in", "2025-01"), ("looked_up", "已缴", "起", "2025-01"),
                                                                 ("looked_up", "缴费日", "起", "2025-01")])]),
            "weinan-timeline-2023-07.json": (("享受", True, None, None),
                                             [(0, "2022-12-20", [("covers", "2023-07"), ("covers", "2023-01", "覆盖起"), ("looked_up", "已缴", "起", "2023-01"),
                                                                 ("argument", "开启等待", "true"), ("argument", "等待止", "2023-05")])]),
            "weifang-timeline-2023-10.json": (("按时", False, None, None),
                                              [(1, "2023-10-21", [("covers", "2023-10"), ("paid_in", "2023-10"), ("looked_up", "起缴于", "起", "2023-10")])]),
        }[name]
        if (w.get("name"), w.get("value"), w.get("condition"), w.get("holds")) != want[0]:
            p.append(f"the month's status: {[w.get(k) for k in ('name', 'value', 'condition', 'holds')]}")
        if recs != want[1]:
            p.append(f"the records behind the month: {recs}")
        if name == "rizhao-timeline-2025-06.json":
            # the waiting period: opened by the payment made in 2025-06 (触发月), after an interruption open since 2025-02
            t = because.get(("触发月", ("2025-06",)), {})
            h = because.get(("有未决", ("2025-05",)), {})
            if t.get("value") is not True or (h.get("value"), h.get("carried_from"), h.get("carried_months")) != (True, ["2025-02"], 3):
                p.append(f"触发月(2025-06) and 有未决(2025-05) carried from 2025-02: {t}, {h}")
            if because.get(("未补救", ("2025-02",)), {}).get("value") is not True:
                p.append("未补救(2025-02): the month left unpaid in time")
        if name == "weinan-timeline-2023-07.json":
            c = because.get(("覆盖起", ("2023-07",)), {})
            if (c.get("value"), c.get("carried_from"), c.get("carried_months")) != ("2023-01", ["2023-01"], 6):
                p.append(f"覆盖起(2023-07) carried from 2023-01: {c}")
    if name == "weinan-timeline-2023-03.txt":
        # a new enrollee's waiting period: opened by the payment of 2022-12-20 (开启等待), carried from 2023-01
        for line in ("  享受(2023-03) = false   #1   [七、1]\n    等待期中(2023-03) = true",
                     "等待期至(2023-03) = 2023-05   #9, carried from 等待期至(2023-01) (2 months back",
                     "  record 缴费记录[0] (缴费日期 = 2022-12-20, 起 = 2023-01, 止 = 2023-12): covers 2023-03; "
                     "covers 2023-01 (where 等待期至 was carried from); 开启等待(this record) = true; 等待止(this record) = 2023-05\n"):
            if line not in got:
                p.append(f"missing: {line}")
    if name == "rizhao-timeline-2025-04.txt":
        for line in ("why 2025-04 has its status:\n  状态(2025-04) = 暂停   #1: if 及时补缴(m): false, so the else branch   [二]\n"
                     "    及时补缴(2025-04) = false",
                     "中断首月(2025-04) = 2025-02   #19, carried from 中断首月(2025-02) (2 months back, each month from the month before): "
                     "if m <= 参保起始月 or 按时(m - 1): true, so the then branch   [二¶2]",
                     "  record 缴费记录[1] (缴费日期 = 2025-06-15, 起 = 2025-02, 止 = 2025-06): covers 2025-04; "
                     "covers 2025-02 (where 覆盖起 was carried from); found by 缴费日 (its 起 is 2025-02); found by 起缴于 (its 起 is 2025-02)\n"):
            if line not in got:
                p.append(f"missing: {line}")
    if name == "weinan-timeline-2023-07.json":
        ex = json.loads(got)["explanation"]
        w = find(ex, kind="parameter", name="等待期月数")
        if not w or (w[0]["value"], w[0].get("to"), w[0]["date"]) != ("6", "2022-12-31", "2022-12-20"):
            p.append(f"等待期月数's version read inside 等待期中: {w[:1]}")
        if not find(ex, kind="call", name="享受", arguments=["2023-07"], value=True):
            p.append("享受(2023-07) = true")
    if name == "weinan-timeline.txt" and "round(" not in got:
        p.append("退费金额's rounding")
    if name == "zh/weifang-topup.txt":
        for line in ("= 档次费率[档次, 2023-08-01]",
                     "参数 档次费率[无账户无生育] = 6%（版本：2023年1月1日至2023年12月31日；取值日期：2023年8月1日）   [三、3]",
                     "round(暂按缴费基数 * 补差年度费率, 2) = 238.80（舍入前为 238.80，保留 2 位小数，四舍五入）",
                     "（引自 policies/weifang/weifang-tiers.pol）", "输出 补差合计 = 78.60 元   [三、5; 三、6]"):
            if line not in got:
                p.append(f"missing: {line}")
    if name == "zh/rizhao-timeline-2025-06.txt":
        for line in ("月份：2025年6月（仅列出该月的调用）", "2025年6月为何是这一状态：\n  状态(2025-06) = 等待期   #1：如果 等待期中(m)：成立",
                     "有未决(2025-05) = true   #9，承自 有未决(2025-02)（上溯 3 个月，每月由上月而来）",
                     "  记录 缴费记录[1]（缴费日期 = 2025-06-15, 起 = 2025-02, 止 = 2025-06）： 覆盖 2025年6月； 其缴费日期在 2025年6月"):
            if line not in got:
                p.append(f"missing in Chinese: {line}")
    if name == "framework-basis.json":
        m = find(json.loads(got)["explanation"], kind="match")
        want = {"kind": "match", "scrutinee": "类别", "member": "自由职业者", "arm": 5, "arms": 7, "pattern": "自由职业者",
                "expression": '"地方经办指南(001): 临时工、自由职业者、外来务工人员、失业人员"',
                "position": "policies/framework/flexible-employment-framework.pol:65:3", "type": "text",
                "value": "地方经办指南(001): 临时工、自由职业者、外来务工人员、失业人员"}
        if m != [want]:
            p.append(f"the arm taken for 自由职业者: {m}")
    if name == "framework-basis.txt":
        line = ("  match 类别: 自由职业者, so arm 5 of 7 (policies/framework/flexible-employment-framework.pol:65:3): 自由职业者 => "
                '"地方经办指南(001): 临时工、自由职业者、外来务工人员、失业人员" = 地方经办指南(001): 临时工、自由职业者、外来务工人员、失业人员\n')
        if line not in got:
            p.append(f"missing: {line}")
    if name == "mixed-weinan-retired.json":
        ex = json.loads(got)["explanation"]
        na = [(s["member"], s["arm"], s["arms"], s["pattern"], s.get("status"), s.get("message")) for s in find(ex, kind="match")]
        if na[:1] != [("渭南", 3, 3, "渭南", "not-applicable", "基本医疗月缴费 is inapplicable in this case (bench/mixed.pol:63:78)")]:
            p.append(f"the inapplicable arm: {na}")
        if ex[0].get("status") != "not-applicable" or not find(ex, kind="branch", condition="人员身份 == 身份.在职", holds=False):
            p.append("the output not applicable, with the if inside the arm")
    if name == "mixed-weinan-retired.txt":
        for line in ("  match 缴费方案: 渭南, so arm 1 of 2 (bench/mixed.pol:78:3): 渭南 => (if applicable(基本医疗月缴费) then 基本医疗月缴费 * "
                     "每年月数 else 0元) + 渭南大病互助月缴费 * 每年月数 = 96 元\n",
                     "    match 缴费方案: 渭南, so arm 3 of 3 (bench/mixed.pol:63:3): 渭南 => if 人员身份 == 身份.在职 then round(月缴费基数 * "
                     "渭南费率, 2) else inapplicable: not applicable: 基本医疗月缴费 is inapplicable in this case (bench/mixed.pol:63:78)\n"):
            if line not in got:
                p.append(f"missing: {line}")
    if name == "zh/framework-basis.txt" and "  分情况 类别：自由职业者，因此取第 5 个分支（共 7 个，" not in got:
        p.append("the arm taken, in Chinese")
    if name.startswith("zh/"):
        for word in ("output ", "rule ", "call ", "input ", "parameter ", "unrounded", "imported from", "so the", "explained above",
                     "records of", "same call", "more time", "note:", "policy:", "document:", "month:", "why ", "carried from",
                     "covers", "record ", " arm "):
            if word in got:
                p.append(f"English left in the Chinese explanation: {word!r}")
    return p


def notices_at(d):
    """Whether polc/polrun find a notices directory for a policy in d (compiler/clause.c)."""
    if os.environ.get("POL_NOTICES_DIR"):
        return os.path.isdir(os.environ["POL_NOTICES_DIR"])
    d = os.path.realpath(d)
    while True:
        if os.path.isdir(os.path.join(d, "shared", "notices")):
            return True
        if os.path.dirname(d) == d:
            return False
        d = os.path.dirname(d)


def main():
    polrun, root = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv
    schema = json.load(open(os.path.join(root, "docs", "explain.schema.json"), encoding="utf-8"))
    passed = failed = 0
    for name, args in CASES + ZH_CASES:
        p = subprocess.run([polrun] + args, cwd=root, capture_output=True, timeout=60, env=ZH if name.startswith("zh/") else EN)
        got = p.stdout.decode("utf-8")
        path = os.path.join(HERE, name)
        if update:
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
        with open(path, encoding="utf-8") as f:
            want = f.read()
        problems = []
        if p.returncode != 0:
            problems.append(f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')}")
        if got != want:
            problems.append("output differs from " + name)
        if name.endswith(".json") and not problems:
            problems += [f"schema: {e}" for e in schema_check.validate(json.loads(got), schema)]
        if not problems:
            problems += facts(name, got)
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok   {name}")
    # JSON explanations are the same bytes whatever the language; the HTML page is Chinese when the language is
    for name, args in CASES:
        if not name.endswith(".json"):
            continue
        en, zh = (subprocess.run([polrun] + args, cwd=root, capture_output=True, timeout=60, env=env).stdout for env in (EN, ZH))
        if en == zh and en:
            passed += 1
            print(f"ok   {name}: the same JSON in Chinese")
        else:
            failed += 1
            print(f"FAIL {name}: the JSON differs in Chinese")
    html_args = [WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain=html"]
    en, zh = (subprocess.run([polrun] + html_args, cwd=root, capture_output=True, timeout=60, env=env).stdout.decode("utf-8")
              for env in (EN, ZH))
    # a call step: the Weifang tiers' rate is a table (a parameter step), so the calls are the Rizhao timeline's
    call_args = [RZ + "rizhao-2025-timeline.pol", RZ + "scenario-timeline-late-back-payment.json", "--explain=html",
                 "--explain-month", "2025-06"]
    call_en, call_zh = (subprocess.run([polrun] + call_args, cwd=root, capture_output=True, timeout=60, env=env).stdout
                        .decode("utf-8") for env in (EN, ZH))
    want_en = ('<html lang="zh-CN">', "<h2>结果 Results</h2>", "<h2>计算过程 Explanation</h2>",
               '<span class="kind">parameter</span> <span class="name">档次费率[无账户无生育]</span> = <span class="value">6%</span>',
               "<dt>unrounded</dt>")
    want_zh = ('<html lang="zh-CN">', "<h2>结果</h2>", "<h2>计算过程</h2>",
               '<span class="kind">参数</span> <span class="name">档次费率[无账户无生育]</span> = <span class="value">6%</span>',
               '<dt>舍入前的值</dt><dd class="unrounded">238.80</dd>', '<dt>舍入方式</dt><dd class="mode">四舍五入</dd>')
    miss = [w for w in want_en if w not in en] + [w for w in want_zh if w not in zh] + [w for w in ("Results", ">parameter<") if w in zh]
    miss += [w for w in ('<span class="kind">call</span>',) if w not in call_en]
    miss += [w for w in ('<span class="kind">调用</span>', '<li class="step call" id="call-1">') if w not in call_zh]
    miss += [w for w in (">call<",) if w in call_zh]
    if miss:
        failed += 1
        print(f"FAIL --explain=html by language: {miss}")
    else:
        passed += 1
        print("ok   --explain=html: English page as it was, Chinese labels in Chinese")
    # --explain-clauses: the words of each cited clause, the imported policy's clause map too (weifang-tiers.pol
    # maps 相关·2024费率); only where the notices are at hand (../shared/notices, as polc finds them)
    if notices_at(os.path.join(root, WF)):
        args = [WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain-clauses"]
        js, tx = (subprocess.run([polrun] + args[:2] + [fmt] + args[2:], cwd=root, capture_output=True, timeout=60, env=EN)
                  for fmt in ("--explain=json:每月补差", "--explain=每月补差"))
        d = json.loads(js.stdout) if js.returncode == 0 else {}
        words = {c["id"]: c["text"] for c in d.get("clauses", [])}
        miss = schema_check.validate(d, schema) if d else ["exit %d" % js.returncode]
        # 三、5 (the output's own cite) first, then the clauses of the base limit it reads (weifang-tiers.pol's
        # 缴费基数下限: 三、2 and the related article, mapped there), then the rate's 三、3
        if (list(words)[:4] != ["三、5", "三、2", "相关·2024基数", "三、3"] or "暂按2022年的3980元执行" not in words.get("三、5", "")
                or "上下限分别暂按21207元和4242元" not in words.get("相关·2024基数", "")):
            miss.append(f"三、5's words first: {list(words)}")
        # the imported clause map: 相关·2024费率 is mapped in weifang-tiers.pol and cited by the main policy's 费率
        # (the top-up reads only the 2023 rate, 三、3)
        fy = subprocess.run([polrun, WF + "weifang-hanting-2023.pol", WF + "scenario-2023-full-year.json",
                             "--explain=json:费率", "--explain-clauses"], cwd=root, capture_output=True, timeout=60, env=EN)
        fy_words = {c["id"]: c["text"] for c in (json.loads(fy.stdout) if fy.returncode == 0 else {}).get("clauses", [])}
        if "仍保持四档7%、8%、9%、10%" not in fy_words.get("相关·2024费率", ""):
            miss.append("the imported clause map's 相关·2024费率")
        t = tx.stdout.decode("utf-8")
        fy_t = subprocess.run([polrun, WF + "weifang-hanting-2023.pol", WF + "scenario-2023-full-year.json",
                               "--explain=费率", "--explain-clauses"], cwd=root, capture_output=True, timeout=60,
                              env=EN).stdout.decode("utf-8")
        for text, line in ((t, "the clauses cited, in the notice's words:\n  [三、5] 5、医保补差“为何补”?"),
                           (fy_t, "\n  [相关·2024费率] • 2024潍坊市直灵活就业医保缴费最新比例\n    灵活就业人员“医疗保险缴费比例”")):
            if line not in text:
                miss.append(f"text: {line!r}")
        plain = subprocess.run([polrun] + args[:2] + ["--explain=json:每月补差"], cwd=root, capture_output=True, timeout=60, env=EN)
        if b'"clauses"' in plain.stdout:
            miss.append("clauses without --explain-clauses")
        if miss:
            failed += 1
            print(f"FAIL --explain-clauses: {miss}")
        else:
            passed += 1
            print("ok   --explain-clauses: the notice's words of each clause cited, the imported clause map's too")
    else:
        print("skip --explain-clauses: the notices are not at hand")
    # the schema rejects what it should (a validator that accepts anything checks nothing)
    bad = {"policy": "x", "outputs": {}, "explanation": [{"kind": "round", "expression": "round(x, 2)", "value": "1"}]}
    if schema_check.validate(bad, schema):
        passed += 1
        print("ok   the schema rejects a round without its unrounded value")
    else:
        failed += 1
        print("FAIL the schema accepts a round without its unrounded value")
    # errors of the options
    for args, msg in ((["--explain=没有这个输出"], "the policy has no output '没有这个输出'"),
                      (["--explain-month", "2025-13"], "--explain-month takes a month as YYYY-MM"),
                      (["--explain=xml:每月补差"], "takes text, json or html as FORMAT")):
        p = subprocess.run([polrun, WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json"] + args, cwd=root,
                           capture_output=True, timeout=60, env=EN)
        err = p.stderr.decode("utf-8")
        if p.returncode == 64 and msg in err:
            passed += 1
            print(f"ok   {' '.join(args)}: {err.strip()}")
        else:
            failed += 1
            print(f"FAIL {' '.join(args)}: exit {p.returncode}, {err!r}")
    # polc doc's page (tools/doc.c, the same catalog): bilingual in English, Chinese only in Chinese
    polc = os.path.join(os.path.dirname(os.path.abspath(polrun)), "polc")
    if os.path.exists(polc):
        pages, tmp = [], tempfile.mkdtemp(prefix="pol-explain-doc-")
        for env in (EN, ZH):
            out = os.path.join(tmp, "page.html")
            q = subprocess.run([polc, "doc", WF + "weifang-hanting-2023-topup.pol", "-o", out], cwd=root, capture_output=True,
                               timeout=60, env=env)
            pages.append(open(out, encoding="utf-8").read() if q.returncode == 0 and os.path.exists(out) else "")
            if os.path.exists(out):
                os.remove(out)
        os.rmdir(tmp)
        en, zh = pages
        miss = [w for w in ('<span class="en">Parameters and their versions</span>', "<th>自 from</th>", "<dt>source</dt>",
                            "✓ 通过 passed") if w not in en]
        miss += [w for w in ('<html lang="zh-CN">', "<h2>参数</h2>", "<th>自</th><th>至</th><th>值</th><th>依据</th>",
                             "<dt>源文件</dt>", "✓ 通过<", "<h2>规则</h2>") if w not in zh]
        miss += [w for w in ("Parameters and", "from</th>", "passed<", "<dt>source", "Rules and") if w in zh]
        if miss:
            failed += 1
            print(f"FAIL polc doc by language: {miss}")
        else:
            passed += 1
            print("ok   polc doc: the bilingual page in English, Chinese labels only in Chinese")
    p = subprocess.run([polrun, WF + "weifang-hanting-2023-topup.pol", WF + "scenario-topup.json", "--explain=没有这个输出"], cwd=root,
                       capture_output=True, timeout=60, env=ZH)
    err = p.stderr.decode("utf-8")
    if p.returncode == 64 and "政策中没有输出“没有这个输出”" in err:
        passed += 1
        print(f"ok   --explain=没有这个输出 in Chinese: {err.strip()}")
    else:
        failed += 1
        print(f"FAIL --explain=没有这个输出 in Chinese: exit {p.returncode}, {err!r}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
