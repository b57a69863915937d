#!/usr/bin/env python3
"""polserve's API over loopback, checked against polrun and polc.

Every endpoint; every error class (bad JSON, a bad field, an unknown policy
or path, a wrong method, a body, array, header or nesting over its limit,
the step limit); concurrent requests whose results must equal polrun's for
the same scenarios; a changed policy picked up while requests run, none of
them failing; a policy that stops compiling keeps its last good version;
SIGTERM stops the server with exit 0; an access log line per request.

Usage: test_api.py POLSERVE POLRUN POLC REPO_ROOT
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_lib import Server  # noqa: E402

POLSERVE, POLRUN, POLC, ROOT = sys.argv[1:5]
POLICIES = os.path.join(ROOT, "policies")
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def polrun(policy, scenario_text, *args):
    p = subprocess.run([POLRUN, *args, policy, "-"], input=scenario_text.encode(), capture_output=True)
    return p.returncode, p.stdout.decode()


def notices_at(d):
    """Whether polserve finds a notices directory for a policy in d (compiler/clause.c's search)."""
    if os.environ.get("POL_NOTICES_DIR"):
        return os.path.isdir(os.environ["POL_NOTICES_DIR"])
    d = os.path.realpath(d)
    while not os.path.isdir(os.path.join(d, "shared", "notices")):
        if os.path.dirname(d) == d:
            return False
        d = os.path.dirname(d)
    return True


def examples():
    """[(policy name, policy path, scenario text)] of every example scenario."""
    out = []
    for man in sorted(glob.glob(os.path.join(POLICIES, "*", "examples.json"))):
        folder = os.path.dirname(man)
        with open(man, encoding="utf-8") as f:
            for scen, entry in json.load(f).items():
                with open(os.path.join(folder, scen), encoding="utf-8") as g:
                    text = g.read()
                pol = entry["policy"]
                out.append((pol[:-4], os.path.join(folder, pol), text))
    return out


def main():
    srv = Server(POLSERVE, POLICIES, "--max-body", "65536")
    try:
        run_checks(srv)
    finally:
        rc = srv.stop()
    check(rc == 0, f"SIGTERM: polserve exits 0, not {rc}")
    log = srv.text()
    check("polserve: stopped" in log, "SIGTERM: the stop is logged")
    check(" GET /v1/health 200 " in log, "access log: a line per request with method, path, status")
    check(" POST /v1/policies/rizhao-2025/calculate 422 " in log, "access log: a 4xx request is logged with its status")
    reload_checks()
    steps_checks()
    print(f"test_api: {checks} checks, {len(failures)} failed")
    sys.exit(1 if failures else 0)


def run_checks(srv):
    # health, list
    st, h = srv.json("GET", "/v1/health")
    check(st == 200 and h["status"] == "ok" and h["policies"] == len(glob.glob(os.path.join(POLICIES, "*", "*.pol"))),
          f"health: ok with every policy ({h})")
    st, lst = srv.json("GET", "/v1/policies")
    byname = {p["name"]: p for p in lst["policies"]}
    check(st == 200 and "rizhao-2025" in byname and "weifang-hanting-2023" in byname, "list: names the policies")
    rz = byname.get("rizhao-2025", {})
    check(rz.get("region") == "山东省日照市" and rz.get("date") == "2025-09-28" and rz.get("title", "").startswith("日照市2025"),
          f"list: region, date, title of rizhao-2025 ({rz})")
    check(all(set(p) >= {"name", "title", "region", "document", "date"} for p in lst["policies"]),
          "list: every entry has name, title, region, document, date")

    # the interface is polc interface's, parameters included
    for name, path, _ in examples()[:3] + [("weifang-hanting-2023-timeline",
                                            os.path.join(POLICIES, "weifang", "weifang-hanting-2023-timeline.pol"), "")]:
        st, iface = srv.json("GET", f"/v1/policies/{name}")
        want = json.loads(subprocess.run([POLC, "interface", path], capture_output=True).stdout)
        check(st == 200 and iface == want, f"interface of {name} equals polc interface")
    st, iface = srv.json("GET", "/v1/policies/rizhao-2025")
    base = [p for p in iface["parameters"] if p["name"] == "月缴费基数"]
    check(base and [v["value"] for v in base[0]["versions"]] == ["4416", "4504"] and
          base[0]["versions"][1]["from"] == "2025-10-01" and base[0]["versions"][0]["cite"] == "一(一)1",
          "interface: a dated parameter with its versions, dates and clauses")

    # calculate and explain equal polrun for every example scenario
    for name, path, text in examples():
        rc, out = polrun(path, text)
        want = json.loads(out)
        st, got = srv.json("POST", f"/v1/policies/{name}/calculate", text)
        check(st == 200 and got.get("outputs") == want, f"calculate {name}: polrun's outputs ({got})")
        check(not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in got.get("outputs", {}).values()),
              f"calculate {name}: no JSON numbers: amounts as strings")
        rc, out = polrun(path, text, "--explain=json", "--explain-clauses")
        st, got = srv.json("POST", f"/v1/policies/{name}/explain", text)
        check(st == 200 and got == json.loads(out), f"explain {name}: polrun --explain=json --explain-clauses's explanation")
        if notices_at(os.path.dirname(path)):
            check(st == 200 and got.get("clauses") and all(c.get("id") and c.get("text") for c in got["clauses"]),
                  f"explain {name}: the words of the clauses cited, from the notice")

    # an array: one result per scenario, a bad one among good ones is its own error
    arr = '[{"缴费日期":"2025-09-30"},{"缴费日期":"2025-13-01"},{"缴费日期":"2025-10-01"}]'
    st, got = srv.json("POST", "/v1/policies/rizhao-2025/calculate", arr)
    res = got.get("results", [])
    check(st == 200 and len(res) == 3, "calculate array: 200 and three results")
    if len(res) == 3:
        check(res[0]["outputs"]["全年医疗保险费合计"] == "2823.60" and res[2]["outputs"]["全年医疗保险费合计"] == "2876.40",
              "calculate array: exact amounts per scenario")
        e = res[1].get("error", {})
        check(e.get("class") == "input" and e.get("field") == "缴费日期" and e.get("clause") == "一(一)1、2",
              f"calculate array: the bad scenario's error with field and clause ({e})")

    # batch: JSON Lines in, polrun --batch's records out
    lines = "\n".join(json.dumps(json.loads(t), ensure_ascii=False) for n, p, t in examples() if n == "rizhao-2025")
    lines += '\n\n{"缴费日期":"2025-02-30"}\n{"缴费日期": \n'
    path = os.path.join(POLICIES, "rizhao", "rizhao-2025.pol")
    rc, out = polrun(path, lines, "--batch")
    want = [json.loads(x) for x in out.splitlines()]
    st, hd, data = srv.request("POST", "/v1/policies/rizhao-2025/batch", lines)
    got = [json.loads(x) for x in data.decode().splitlines()]
    check(st == 200 and hd.get("content-type", "").startswith("application/x-ndjson"), "batch: 200, JSON Lines")
    check([g["line"] for g in got] == [w["line"] for w in want], f"batch: a record per line, numbered as polrun ({got})")
    check([g.get("outputs") for g in got] == [w.get("outputs") for w in want], "batch: polrun --batch's outputs")
    check([g.get("error", {}).get("message") for g in got] == [w.get("error", {}).get("message") for w in want],
          "batch: polrun --batch's error messages")
    check(hd.get("transfer-encoding") == "chunked", "batch: the reply is streamed (chunked)")

    # openapi
    st, api = srv.json("GET", "/v1/openapi.json")
    check(st == 200 and api.get("openapi", "").startswith("3.") and
          set(api.get("paths", {})) >= {"/v1/health", "/v1/policies", "/v1/policies/{name}",
                                        "/v1/policies/{name}/calculate", "/v1/policies/{name}/explain",
                                        "/v1/policies/{name}/batch"},
          "openapi.json: OpenAPI 3 with every endpoint")

    # the page
    st, hd, data = srv.request("GET", "/")
    check(st == 200 and hd["content-type"].startswith("text/html") and "计算" in data.decode(),
          "page: / serves the calculator page")
    st, hd, data = srv.request("GET", "/app.js")
    check(st == 200 and "javascript" in hd["content-type"] and len(data) > 1000, "page: its script, embedded")

    # ---- every error class: a JSON error with a 4xx code ----
    def err(method, path, body, status, what, code=None, headers=None):
        st, hd, data = srv.request(method, path, body, headers=headers)
        try:
            j = json.loads(data.decode())
        except ValueError:
            j = None
        ok = st == status and isinstance(j, dict) and "error" in j
        if ok and code:
            ok = j["error"].get("code") == code or j["error"].get("class") == code
        check(ok, f"{what}: {status} with a JSON error, got {st} {data[:200]!r}")
        return j, hd

    err("POST", "/v1/policies/rizhao-2025/calculate", '{"缴费日期":', 400, "truncated JSON", "syntax")
    err("POST", "/v1/policies/rizhao-2025/calculate", '', 400, "an empty body", "empty_body")
    err("POST", "/v1/policies/rizhao-2025/calculate", '"2025-09-30"', 400, "a JSON string, not an object", "syntax")
    err("POST", "/v1/policies/rizhao-2025/calculate", b'{"\xff":1}', 400, "invalid UTF-8", "syntax")
    j, _ = err("POST", "/v1/policies/rizhao-2025/calculate", '{"缴费日期":"2025-09-30","x":1}', 422, "an unknown field",
               "input")
    check(j and j["error"].get("field") == "x", "an unknown field: the error names it")
    j, _ = err("POST", "/v1/policies/rizhao-2025/calculate", '{"缴费日期":20250930}', 422, "a number for a date", "input")
    err("POST", "/v1/policies/rizhao-2025/calculate", '{"缴费日期":"2025-09-30","缴费日期":"2025-10-01"}', 400,
        "a repeated key", "syntax")
    err("POST", "/v1/policies/rizhao-2025/calculate", "[" * 100 + "]" * 100, 400, "arrays nested 100 deep", "syntax")
    err("POST", "/v1/policies/rizhao-2025/calculate", '{"a":' + "[" * 100 + "]" * 100 + "}", 400,
        "a value nested 100 deep", "syntax")
    err("POST", "/v1/policies/rizhao-2025/explain", '[{"缴费日期":"2025-09-30"}]', 400, "explain of an array")
    err("POST", "/v1/policies/rizhao-2025/calculate", "[" + ",".join(['{"缴费日期":"2025-09-30"}'] * 1001) + "]", 413,
        "1001 scenarios in one array", "too_many_scenarios")
    err("POST", "/v1/policies/rizhao-2025/calculate", '{"缴费日期":"' + "9" * 70000 + '"}', 413,
        "a body over --max-body", "too_large")
    err("GET", "/v1/policies/no-such-policy", None, 404, "an unknown policy", "unknown_policy")
    err("POST", "/v1/policies/no-such-policy/calculate", "{}", 404, "calculate with an unknown policy", "unknown_policy")
    err("GET", "/v1/policies/..%2F..%2Fetc%2Fpasswd", None, 404, "a name that would escape DIR")
    err("GET", "/v1/policies/%2e%2e", None, 404, "the name ..", "unknown_policy")
    err("GET", "/v1/policies/rizhao%2F..%2Frizhao-2025", None, 404, "a name with a slash")
    err("GET", "/v1/policies/rizhao-2025.pol", None, 404, "a file name is not a policy name")
    err("GET", "/rizhao/", None, 404, "no directory listing", "not_found")
    err("GET", "/v1/policies/rizhao-2025/nothing", None, 404, "an unknown action", "not_found")
    err("GET", "/v1/nothing", None, 404, "an unknown API path", "not_found")
    j, hd = err("GET", "/v1/policies/rizhao-2025/calculate", None, 405, "GET of calculate", "method_not_allowed")
    check(hd.get("allow") == "POST", "405: the Allow header says POST")
    j, hd = err("DELETE", "/v1/policies/rizhao-2025", None, 405, "DELETE of a policy", "method_not_allowed")
    check(hd.get("allow") == "GET, HEAD", "405: the Allow header says GET, HEAD")
    err("POST", "/v1/health", "{}", 405, "POST of health")
    # headers over the limit: refused by libmicrohttpd before any handler runs
    st, hd, data = srv.request("GET", "/v1/health", headers={"X-Big": "a" * 70000})
    check(400 <= st < 500, f"headers over 64 KiB: a 4xx, got {st}")
    # the body limit also holds without a Content-Length (chunked upload)
    c = __import__("http.client").client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.putrequest("POST", "/v1/policies/rizhao-2025/calculate")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    for _ in range(20):
        chunk = b"[" * 8192
        c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    c.send(b"0\r\n\r\n")
    r = c.getresponse()
    check(r.status == 413 and b"too_large" in r.read(), f"a chunked body over --max-body: 413, got {r.status}")
    c.close()

    # a scenario that fails an output is 200 with the failure per output
    st, got = srv.json("POST", "/v1/policies/rizhao-2025/calculate", '{}')
    u = got.get("unavailable", {})
    check(st == 200 and got["outputs"].get("大额医疗救助金年缴费") == "144.00" and
          u.get("月缴费额", {}).get("class") == "runtime" and "缴费日期" in u["月缴费额"]["message"] and
          u["月缴费额"].get("position", "").endswith(":34:43"),
          f"a missing input: other outputs computed, each failed one with its error and position ({got})")

    # concurrency: 16 threads, 25 requests each, every answer polrun's
    cases = []
    for name, path, text in examples():
        rc, out = polrun(path, text)
        cases.append((name, text, json.loads(out)))
    bad = []

    def worker(k):
        for i in range(25):
            name, text, want = cases[(k * 7 + i) % len(cases)]
            try:
                st, got = srv.json("POST", f"/v1/policies/{name}/calculate", text)
                if st != 200 or got.get("outputs") != want:
                    bad.append((name, st, got))
            except Exception as e:  # noqa: BLE001 - any failure counts
                bad.append((name, repr(e)))

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(not bad, f"400 concurrent requests over 16 connections: each equals polrun ({bad[:2]})")


def steps_checks():
    """--max-steps: a scenario that needs more steps fails its outputs, as a runtime error, and the server goes on."""
    srv = Server(POLSERVE, os.path.join(POLICIES, "weifang"), "--max-steps", "20", "--quiet")
    try:
        with open(os.path.join(POLICIES, "weifang", "scenario-timeline.json"), encoding="utf-8") as f:
            text = f.read()
        st, got = srv.json("POST", "/v1/policies/weifang-hanting-2023-timeline/calculate", text)
        u = got.get("unavailable", {}).get("医疗保险费合计", {})
        check(st == 200 and u.get("class") == "runtime" and "exceeded 20 steps" in u.get("message", ""),
              f"--max-steps: the output fails with the step limit's error ({got})")
        st, h = srv.json("GET", "/v1/health")
        check(st == 200, "--max-steps: the server answers afterwards")
        check(" POST " not in srv.text(), "--quiet: no access log")
    finally:
        srv.stop()


def until(cond, seconds=30):
    """Waits for cond() (a rescan of the directory, on a loaded machine too), at most `seconds`."""
    deadline = time.time() + seconds
    while not cond() and time.time() < deadline:
        time.sleep(0.2)


def reload_checks():
    """A changed file is picked up while requests run; a broken one keeps the last good version."""
    tmp = tempfile.mkdtemp(prefix="polserve-")
    try:
        shutil.copytree(os.path.join(POLICIES, "rizhao"), os.path.join(tmp, "rizhao"))
        path = os.path.join(tmp, "rizhao", "rizhao-2025.pol")
        with open(path, encoding="utf-8") as f:
            src = f.read()
        check("4504" in src, "reload: the source has the parameter value to change")
        srv = Server(POLSERVE, tmp, "--reload", "1", "--max-steps", "1000000")
        try:
            body = '{"缴费日期":"2025-10-01"}'
            st, got = srv.json("POST", "/v1/policies/rizhao-2025/calculate", body)
            check(got["outputs"]["适用月缴费基数"] == "4504.00", "reload: the first version's value")
            seen, bad, stop = set(), [], threading.Event()

            def hammer():
                while not stop.is_set():
                    try:
                        st, got = srv.json("POST", "/v1/policies/rizhao-2025/calculate", body)
                        if st != 200:
                            bad.append(st)
                        else:
                            seen.add(got["outputs"]["适用月缴费基数"])
                    except Exception as e:  # noqa: BLE001
                        bad.append(repr(e))

            ts = [threading.Thread(target=hammer) for _ in range(4)]
            for t in ts:
                t.start()
            time.sleep(0.5)
            tmp_path = path + ".tmp"
            with open(tmp_path, "w", encoding="utf-8") as f:
                f.write(src.replace("4504", "4600"))
            os.replace(tmp_path, path)
            until(lambda: "4600.00" in seen)
            stop.set()
            for t in ts:
                t.join()
            check("4600.00" in seen and seen <= {"4504.00", "4600.00"},
                  f"reload: the changed value is served without a restart ({seen})")
            check(not bad, f"reload: no request failed while the policy was replaced ({bad[:3]})")
            # a broken file: the last good version stays
            with open(tmp_path, "w", encoding="utf-8") as f:
                f.write(src.replace("policy ", "polic ", 1))
            os.replace(tmp_path, path)
            until(lambda: "rizhao-2025.pol: not loaded" in srv.text())  # the rescan (every second) has seen it
            st, got = srv.json("POST", "/v1/policies/rizhao-2025/calculate", body)
            check(st == 200 and got["outputs"]["适用月缴费基数"] == "4600.00",
                  "reload: a file that no longer compiles keeps its last good version")
            check("rizhao-2025.pol: not loaded" in srv.text(), "reload: the failed compile is logged")
            # a removed file is no longer served; a new one is
            os.remove(path)
            shutil.copy(os.path.join(POLICIES, "weinan", "weinan-2023.pol"), os.path.join(tmp, "weinan-2023.pol"))
            until(lambda: srv.request("GET", "/v1/policies/weinan-2023")[0] == 200 and
                  srv.request("GET", "/v1/policies/rizhao-2025")[0] == 404)
            st, _, _ = srv.request("GET", "/v1/policies/rizhao-2025")
            check(st == 404, f"reload: a removed file is not served ({st})")
            st, _, _ = srv.request("GET", "/v1/policies/weinan-2023")
            check(st == 200, f"reload: a new file is served ({st})")
        finally:
            rc = srv.stop(sig=__import__("signal").SIGINT)
        check(rc == 0, f"SIGINT: exit 0, not {rc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
