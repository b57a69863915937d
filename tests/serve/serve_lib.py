"""What the polserve tests share: start polserve on a free loopback port
(--port 0: the kernel picks it, the server prints it), talk HTTP to it, stop it.
"""
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time


class Server:
    """polserve DIR ARGS... on 127.0.0.1, a free port; its stderr is collected."""

    def __init__(self, polserve, root, *args):
        self.proc = subprocess.Popen([polserve, root, "--port", "0", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.log = []
        self.port = None
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(60) or self.port is None:
            self.proc.kill()
            raise RuntimeError("polserve did not start: " + "".join(self.log))

    def _read(self):
        for line in self.proc.stderr:
            self.log.append(line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)  # in either language
            if m and self.port is None:
                self.port = int(m.group(1))
                self._ready.set()
        self._ready.set()

    def request(self, method, path, body=None, headers=None, timeout=60):
        """(status, headers dict lower-cased, body bytes)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, str):
                body = body.encode("utf-8")
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def json(self, method, path, body=None, **kw):
        status, headers, data = self.request(method, path, body, **kw)
        return status, json.loads(data.decode("utf-8"))

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Sends sig; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self._reader.join(5)
        return rc

    def text(self):
        return "".join(self.log)
