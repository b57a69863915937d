#!/usr/bin/env python3
"""Runs a scripted LSP session against the real pol-lsp binary and compares
every message it sends with the transcript's, exactly (docs/editors.md, "Tests").

  run_lsp.py POL_LSP TRANSCRIPT.json [--update]

A transcript is {"files": [...], "steps": [{"send": MSG, "expect": [MSG...]}],
"exit_code": N}.  The files (from tests/lsp/files/) are copied into a fresh
temporary folder; "${ROOT}" in the transcript stands for that folder's
file:// URI, and a string value {"$file": "NAME"} in a message sent stands
for the text of that file, {"$big": N} for a generated policy of N bytes.
A step may also have "write": {NAME: TEXT}: files written into the folder
before its message is sent (an editor saving a file).
Each step sends its message, then reads exactly as many messages as it
expects (each within a generous time bound: a silent server fails the test)
and compares them; after the last step the server must exit with exit_code.
--update writes what the server sent into the transcript instead (review
the diff before committing: the expected responses are the test).
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WAIT = 120.0  # seconds for one message: generous, so that a slow machine is no failure


def big_policy(n):
    """A valid policy of about n bytes: a chain of rules, each using the one before."""
    head = 'policy "大文件" {\n  region "测试"\n  untested "size test"\n}\n\ninput 基数: money cite "一"\n'
    head += 'rule 规则0: money = 基数 * 2 cite "一"\n'
    parts = [head]
    size = len(head.encode())
    i = 1
    while size < n - 200:
        line = f"rule 规则{i}: money = 规则{i - 1} + 1元 cite \"一\"\n"
        parts.append(line)
        size += len(line.encode())
        i += 1
    tail = f"output 结果: money = 规则{i - 1} cite \"一\"\n"
    parts.append(tail)
    return "".join(parts)


def substitute(v, root_uri, files_dir):
    if isinstance(v, dict):
        if set(v) == {"$file"}:
            with open(os.path.join(files_dir, v["$file"]), encoding="utf-8") as f:
                return f.read()
        if set(v) == {"$big"}:
            return big_policy(v["$big"])
        return {substitute(k, root_uri, files_dir): substitute(x, root_uri, files_dir) for k, x in v.items()}
    if isinstance(v, list):
        return [substitute(x, root_uri, files_dir) for x in v]
    if isinstance(v, str):
        return v.replace("${ROOT}", root_uri)
    return v


def unsubstitute(v, root_uri):
    if isinstance(v, dict):
        return {unsubstitute(k, root_uri): unsubstitute(x, root_uri) for k, x in v.items()}
    if isinstance(v, list):
        return [unsubstitute(x, root_uri) for x in v]
    if isinstance(v, str):
        return v.replace(root_uri, "${ROOT}")
    return v


class Server:
    def __init__(self, binary, cwd):
        self.p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd)
        self.buf = b""

    def send(self, msg):
        body = json.dumps(msg, ensure_ascii=False).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def _read_some(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("pol-lsp sent nothing within %.0f s" % WAIT)
        r, _, _ = select.select([self.p.stdout], [], [], left)
        if not r:
            raise TimeoutError("pol-lsp sent nothing within %.0f s" % WAIT)
        chunk = os.read(self.p.stdout.fileno(), 1 << 20)
        if not chunk:
            raise EOFError("pol-lsp closed its output (exit code %s)" % self.p.poll())
        self.buf += chunk

    def receive(self):
        deadline = time.monotonic() + WAIT
        while b"\r\n\r\n" not in self.buf:
            self._read_some(deadline)
        head, rest = self.buf.split(b"\r\n\r\n", 1)
        length = None
        for line in head.split(b"\r\n"):
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v.strip())
        if length is None:
            raise ValueError("a message without Content-Length: %r" % head)
        self.buf = rest
        while len(self.buf) < length:
            self._read_some(deadline)
        body, self.buf = self.buf[:length], self.buf[length:]
        return json.loads(body.decode("utf-8"))


def main():
    binary, path = os.path.abspath(sys.argv[1]), sys.argv[2]
    update = "--update" in sys.argv[3:]
    with open(path, encoding="utf-8") as f:
        script = json.load(f)
    tmp = tempfile.mkdtemp(prefix="pol-lsp-test-")
    try:
        src = os.path.join(HERE, "files")
        for name in script.get("files", []):
            shutil.copy(os.path.join(src, name), os.path.join(tmp, name))
        root_uri = "file://" + os.path.realpath(tmp)
        server = Server(binary, tmp)
        failures = 0
        for n, step in enumerate(script["steps"], 1):
            for name, text in step.get("write", {}).items():
                with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                    f.write(substitute(text, root_uri, tmp))
            msg = substitute(step["send"], root_uri, tmp)
            server.send(msg)
            got = []
            for _ in step.get("expect", []) if not update else range(step.get("receive", len(step.get("expect", [])))):
                got.append(unsubstitute(server.receive(), root_uri))
            if update:
                step["expect"] = got
                step.pop("receive", None)
                continue
            want = step.get("expect", [])
            if got != want:
                failures += 1
                what = step["send"].get("method", "response")
                print(f"step {n} ({what}): the server sent")
                print(json.dumps(got, ensure_ascii=False, indent=1))
                print("expected")
                print(json.dumps(want, ensure_ascii=False, indent=1))
        try:
            rc = server.p.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            server.p.kill()
            print("pol-lsp did not exit after the last step")
            return 1
        if update:
            script["exit_code"] = rc
            with open(path, "w", encoding="utf-8") as f:
                json.dump(script, f, ensure_ascii=False, indent=1)
                f.write("\n")
            print(f"updated {path}")
            return 0
        if rc != script.get("exit_code", 0):
            print(f"pol-lsp exited with {rc}, expected {script.get('exit_code', 0)}")
            failures += 1
        if server.buf:
            print(f"pol-lsp sent more than expected: {server.buf[:300]!r}")
            failures += 1
        print(f"{len(script['steps'])} steps, {failures} failed")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
