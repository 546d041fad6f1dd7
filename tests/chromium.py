"""Headless Chromium (Debian's `chromium`) driven over the DevTools protocol: open a page, record
every request it makes and every error it logs, read facts off its DOM, and take a screenshot.

The protocol is spoken over a websocket (the `websockets` package), so no browser-automation
framework is needed: one browser process per test module, one fresh tab per page.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# what a test asserts about a page, read in the page itself
DOM_FACTS = """(() => {
  const images = [...document.images];
  return {
    title: document.title,
    h1: document.querySelector('h1') ? document.querySelector('h1').textContent : null,
    sections: [...document.querySelectorAll('h2')].map(h => h.textContent),
    tables: [...document.querySelectorAll('table')].map(t => ({
      headings: [...t.querySelectorAll('thead th')].map(th => th.textContent),
      rows: t.querySelectorAll('tbody tr').length})),
    images: images.map(i => ({scheme: i.src.split(':')[0], alt: i.alt, loaded: i.complete && i.naturalWidth > 0,
                              width: i.naturalWidth, height: i.naturalHeight})),
    highlighted: [...document.querySelectorAll('td.best')].map(td => td.textContent),
    scripts: document.scripts.length,
    external: [...document.querySelectorAll('[src], link[href]')]
      .map(e => e.getAttribute('src') || e.getAttribute('href')).filter(u => !u.startsWith('data:')),
  };
})()"""


@dataclass
class Visit:
    requests: list[str]  # URLs the page asked for, its own included
    errors: list[str]  # console errors, uncaught exceptions, and the browser's own error log entries
    dom: dict[str, Any]
    screenshot: bytes  # PNG of the whole page

    def foreign_requests(self) -> list[str]:
        """Requests for anything but the page's own file and inline data."""
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]

    def screenshot_spread(self) -> float:
        """Standard deviation of the screenshot's grey levels: 0 for a blank page."""
        from PIL import Image, ImageStat

        return ImageStat.Stat(Image.open(io.BytesIO(self.screenshot)).convert("L")).stddev[0]


class Tab:
    """One page's DevTools session: commands, and the events that arrive meanwhile."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, timeout: float = 60, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_event(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))
        return next(e for e in self.events if e.get("method") == method)


class Chromium:
    def __init__(self, profile: Path, width: int = 1200, height: int = 900):
        if CHROMIUM is None:
            raise RuntimeError("chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
        self.profile, self.width, self.height = profile, width, height
        profile.mkdir(parents=True, exist_ok=True)
        port_file = profile / "DevToolsActivePort"
        port_file.unlink(missing_ok=True)
        args = [CHROMIUM, "--headless", "--disable-gpu", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                f"--window-size={width},{height}", "about:blank"]
        if os.geteuid() == 0:  # the sandbox refuses to run as root (CI containers)
            args.insert(1, "--no-sandbox")
        self.log = open(profile / "chromium.log", "wb")  # noqa: SIM115 - the browser writes it until close()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start: {(profile / 'chromium.log').read_text()[-2000:]}")
            time.sleep(0.1)
        self.endpoint = f"http://127.0.0.1:{port_file.read_text().split()[0]}"

    def _http(self, path: str, method: str = "GET") -> bytes:
        with urllib.request.urlopen(urllib.request.Request(self.endpoint + path, method=method), timeout=30) as r:
            return r.read()

    def visit(self, url: str) -> Visit:
        """Load `url` in a fresh tab until its load event, then read it and photograph it whole."""
        from websockets.sync.client import connect

        target = json.loads(self._http("/json/new?about:blank", method="PUT"))
        try:
            with connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=30) as ws:
                tab = Tab(ws)
                for domain in ("Page", "Network", "Runtime", "Log"):
                    tab.call(f"{domain}.enable")
                tab.call("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
                         deviceScaleFactor=1, mobile=False)
                tab.call("Page.navigate", url=url)
                tab.wait_event("Page.loadEventFired")
                dom = tab.call("Runtime.evaluate", expression=DOM_FACTS, returnByValue=True)["result"]["value"]
                size = tab.call("Page.getLayoutMetrics")["cssContentSize"]
                shot = tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                                clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
                events = tab.events
        finally:
            self._http(f"/json/close/{target['id']}")  # answers in plain text
        requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
        errors = [" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
                  for e in events if e.get("method") == "Runtime.consoleAPICalled"
                  and e["params"]["type"] in ("error", "assert")]
        errors += [e["params"]["exceptionDetails"].get("text", "exception") for e in events
                   if e.get("method") == "Runtime.exceptionThrown"]
        errors += [e["params"]["entry"]["text"] for e in events
                   if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        return Visit(requests, errors, dom, base64.b64decode(shot["data"]))

    def visit_report(self, path: Path, page: str | bytes) -> Visit:
        """Open an HTML report from a file, and check what every report must be: drawn (its
        screenshot is not blank), its images decoded from data: URLs, no script, no request for
        anything but itself, no error logged."""
        path.write_bytes(page if isinstance(page, bytes) else page.encode("utf-8"))
        v = self.visit(path.as_uri())
        assert v.foreign_requests() == [] and v.errors == []
        assert v.dom["scripts"] == 0 and v.dom["external"] == []
        assert all(i["scheme"] == "data" and i["loaded"] and i["width"] > 300 for i in v.dom["images"])
        assert v.screenshot_spread() > 20  # a blank page has none
        return v

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
