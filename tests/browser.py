"""Real headless Chromium for the report tests, with the standard library only.

``dump_dom`` is ``chromium --headless --dump-dom``: the DOM after the page's own script
ran.  :class:`Browser` drives Chromium over the DevTools protocol on
``--remote-debugging-pipe`` (JSON messages ended by NUL on file descriptors 3 and 4), so
tests can click, type and take screenshots without a websocket library or Selenium.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# Headless as root in a container: no sandbox, no GPU, nothing that phones home.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio")


def find_chromium() -> str | None:
    """``$NKEXTRACT_CHROMIUM``, else the first Chromium on PATH (Debian: ``chromium``)."""
    own = os.environ.get("NKEXTRACT_CHROMIUM")
    if own:
        return own
    return next((p for p in map(shutil.which, NAMES) if p), None)


def dump_dom(exe: str, page: Path, timeout: float = 90) -> str:
    """The serialized DOM of ``page`` once it has loaded and its scripts have run."""
    with tempfile.TemporaryDirectory(prefix="nk-chromium-") as profile:
        proc = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or "<html" not in proc.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({proc.returncode}): {proc.stderr[-1500:]}")
    return proc.stdout


def _high(fd: int) -> int:
    """``fd`` moved to a number of at least 10, still close-on-exec: duplicating it onto 3
    or 4 in the child is then never a no-op that would leave it closed by exec."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    """One headless Chromium process; :meth:`open` gives a :class:`Page` per URL."""

    def __init__(self, exe: str, timeout: float = 60) -> None:
        self.timeout = timeout
        self.profile = tempfile.TemporaryDirectory(prefix="nk-chromium-")
        to_chrome_r, to_chrome_w = (_high(fd) for fd in os.pipe())
        from_chrome_r, from_chrome_w = (_high(fd) for fd in os.pipe())
        # Chromium reads commands on fd 3 and writes replies on fd 4
        self.pid = os.posix_spawnp(
            exe, [exe, *FLAGS, f"--user-data-dir={self.profile.name}", "--remote-debugging-pipe", "about:blank"],
            os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                                      (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                                      (os.POSIX_SPAWN_DUP2, to_chrome_r, 3),
                                      (os.POSIX_SPAWN_DUP2, from_chrome_w, 4)])
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._out = to_chrome_w
        self._in = from_chrome_r
        self._buf = b""
        self._id = 0

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its reply (events in between are dropped)."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str, width: int = 1280, height: int = 900, mobile: bool = False) -> Page:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        page.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        page.call("Page.navigate", {"url": url})
        page.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'")
        return page

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        deadline = time.monotonic() + 15
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._out)
        os.close(self._in)
        self.profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Page:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def eval(self, expression: str) -> Any:
        """The value of a JS expression in the page (DevTools evaluation is not bound by
        the page's Content-Security-Policy; the page's own scripts are)."""
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression!r}: {r['exceptionDetails'].get('exception', r['exceptionDetails'])}")
        return r["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(f"!!({expression})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waiting for {expression}")
            time.sleep(0.05)

    def screenshot(self, path: Path, full_page: bool = True) -> bytes:
        """A PNG of the page (all of it, or the viewport), written to ``path``."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = base64.b64decode(self.call("Page.captureScreenshot", params)["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data
