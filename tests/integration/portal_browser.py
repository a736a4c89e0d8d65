#!/usr/bin/env python3
"""portal_browser.py: drives headless Chromium through the DevTools protocol
(over --remote-debugging-pipe, so the standard library is enough) the way a
citizen uses the portal from a phone: opens the home page in a 390x844
mobile viewport with JavaScript switched off, types the dossier code into
the lookup form, taps the button, and waits for the page the form's GET
leads to.  Given the dossier's SECRET too (a returned dossier's), it then
types the secret into the status page's field and taps "Continue" (a POST),
taps the button of the signed result and lets Chromium save the download
(Browser.setDownloadBehavior into OUT_DIR/downloads), then taps the score 4
of the rating form and its button.

usage: portal_browser.py CHROMIUM BASE_URL CODE OUT_DIR [SECRET]

Writes OUT_DIR/home.html and OUT_DIR/lookup.html (the rendered DOM),
OUT_DIR/lookup.png (a screenshot of the whole result page), with a SECRET
also OUT_DIR/secret.html, OUT_DIR/rated.html and OUT_DIR/rated.png (the
page after the rating) and the downloaded file, and prints one "key: value"
line per fact the caller checks (the URLs reached, the layout widths, the
download's file name and SHA-256).  Exits 0 when the browser did all that,
1 (with a message on stderr) when a step failed or timed out; judging the
text and the bytes is the caller's.
"""
import base64
import fcntl
import hashlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time

WIDTH, HEIGHT = 390, 844
STEP_TIMEOUT = 15.0


class Fail(Exception):
    pass


class Browser:
    """One Chromium process and the DevTools session of its page."""

    def __init__(self, chromium, profile):
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()

        def child_fds():  # the pipe transport reads fd 3, writes fd 4
            a = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)  # out of the way of 3 and 4
            b = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)  # dup2 to another number: inherited across exec
            os.dup2(b, 4)

        # --no-sandbox: Chromium's sandbox refuses root and needs user
        # namespaces that CI containers may lack; the only page is our own.
        args = [chromium, "--headless=new", "--no-sandbox", "--remote-debugging-pipe",
                "--user-data-dir=" + profile, "--no-first-run",
                "--no-default-browser-check", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-extensions",
                "--disable-background-networking", "--disable-sync",
                "--blink-settings=scriptEnabled=false",
                "--window-size=%d,%d" % (WIDTH, HEIGHT), "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=child_fds, close_fds=False,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(profile, "stderr"), "wb"))
        os.close(to_r)
        os.close(from_w)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except (Fail, OSError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read_one(self, deadline):
        """The next message from the browser, or Fail at the deadline."""
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail("timed out waiting for the browser")
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise Fail("the browser closed its pipe (see its stderr)")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=True):
        want = self.send(method, params, session)
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            m = self.read_one(deadline)
            if m.get("id") == want:
                if "error" in m:
                    raise Fail("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method):
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            for i, m in enumerate(self.events):
                if m["method"] == method:
                    del self.events[i]
                    return m.get("params", {})
            self.events.append(self.read_one(deadline))
            if "method" not in self.events[-1]:
                self.events.pop()

    def attach(self):
        targets = self.call("Target.getTargets", session=False)["targetInfos"]
        pages = [t for t in targets if t["type"] == "page"]
        if not pages:
            raise Fail("no page target")
        r = self.call("Target.attachToTarget",
                      {"targetId": pages[0]["targetId"], "flatten": True}, session=False)
        self.session = r["sessionId"]
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 2, "mobile": True})
        self.call("Emulation.setTouchEmulationEnabled", {"enabled": True})

    def goto(self, url):
        self.events.clear()
        r = self.call("Page.navigate", {"url": url})
        if r.get("errorText"):
            raise Fail("%s: %s" % (url, r["errorText"]))
        self.wait_event("Page.loadEventFired")

    def url(self):
        h = self.call("Page.getNavigationHistory")
        return h["entries"][h["currentIndex"]]["url"]

    def node(self, selector):
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        n = self.call("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if not n:
            raise Fail("no element %s" % selector)
        return n

    def html(self):
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        return self.call("DOM.getOuterHTML", {"nodeId": root})["outerHTML"]

    def tap(self, selector):
        """A touch at the middle of the element, as a finger would, once it is
        scrolled into the screen (touches outside the viewport are lost)."""
        n = self.node(selector)
        self.call("DOM.scrollIntoViewIfNeeded", {"nodeId": n})
        q = self.call("DOM.getContentQuads", {"nodeId": n})["quads"][0]
        x, y = sum(q[0::2]) / 4, sum(q[1::2]) / 4
        pt = [{"x": x, "y": y}]
        self.call("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": pt})
        self.call("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def layout(self):
        m = self.call("Page.getLayoutMetrics")
        return m["cssLayoutViewport"]["clientWidth"], m["cssContentSize"]["width"], \
            m["cssContentSize"]["height"]

    def screenshot(self, path):
        _, w, h = self.layout()
        r = self.call("Page.captureScreenshot",
                      {"format": "png", "captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": max(w, WIDTH),
                                "height": max(h, HEIGHT), "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))


def report(b, name, out):
    """Prints where the page is and how wide it lays out; keeps its DOM."""
    print("%s_url: %s" % (name, b.url()))
    vw, cw, _ = b.layout()
    print("%s_layout_width: %d" % (name, vw))
    print("%s_content_width: %d" % (name, cw))
    with open(os.path.join(out, name + ".html"), "w", encoding="utf-8") as f:
        f.write(b.html())


def submit(b, form):
    """Taps the submit button of the form matched by @form and waits for the
    page it leads to."""
    b.events.clear()
    b.tap(form + ' button[type="submit"]')
    b.wait_event("Page.loadEventFired")


def download(b, form, folder):
    """Taps the button of @form, whose answer is an attachment, and waits
    until Chromium has saved it into @folder; returns the file's path."""
    os.makedirs(folder, exist_ok=True)
    b.call("Browser.setDownloadBehavior",
           {"behavior": "allow", "downloadPath": folder, "eventsEnabled": True},
           session=False)
    b.events.clear()
    b.tap(form + ' button[type="submit"]')
    name = b.wait_event("Browser.downloadWillBegin")["suggestedFilename"]
    while True:
        state = b.wait_event("Browser.downloadProgress")["state"]
        if state == "completed":
            break
        if state == "canceled":
            raise Fail("the download of %s was canceled" % name)
    return os.path.join(folder, name)


def with_secret(b, code, secret, out):
    """The secret's steps on the status page: the download and the rating."""
    b.call("DOM.focus", {"nodeId": b.node("input#secret")})
    b.call("Input.insertText", {"text": secret})
    submit(b, 'form[action="/tra-cuu/%s"]' % code)
    report(b, "secret", out)
    path = download(b, 'form[action="/tra-cuu/%s/ket-qua"]' % code,
                    os.path.join(out, "downloads"))
    print("download_name: %s" % os.path.basename(path))
    with open(path, "rb") as f:
        print("download_sha256: %s" % hashlib.sha256(f.read()).hexdigest())
    rate = 'form[action="/tra-cuu/%s/danh-gia"]' % code
    b.tap(rate + ' input[name="score"][value="4"]')
    submit(b, rate)
    report(b, "rated", out)
    b.screenshot(os.path.join(out, "rated.png"))


def drive(b, base, code, out, secret):
    b.attach()
    # The probe: a page that would retitle itself if scripts ran, and that has
    # no viewport meta, so a phone lays it out wider than the screen (980).
    b.goto("data:text/html,<title>off</title><script>document.title='on'</script>")
    print("probe_title: %s" % ("on" if "<title>on</title>" in b.html() else "off"))
    print("probe_layout_width: %d" % b.layout()[0])

    b.goto(base + "/")
    report(b, "home", out)
    # Type the code the way a keyboard does, then tap "Tra cứu".
    field = 'form[action="/tra-cuu"] input[name="ma"]'
    b.call("DOM.focus", {"nodeId": b.node(field)})
    b.call("Input.insertText", {"text": code})
    b.events.clear()
    b.tap('form[action="/tra-cuu"] button[type="submit"]')
    b.wait_event("Page.loadEventFired")
    report(b, "lookup", out)
    b.screenshot(os.path.join(out, "lookup.png"))
    if secret:
        with_secret(b, code, secret, out)


def main():
    if len(sys.argv) not in (5, 6):
        sys.stderr.write(__doc__)
        return 2
    chromium, base, code, out = sys.argv[1:5]
    secret = sys.argv[5] if len(sys.argv) == 6 else ""
    with tempfile.TemporaryDirectory(prefix="dinh-chromium-") as profile:
        b = Browser(chromium, profile)
        try:
            drive(b, base, code, out, secret)
        except Fail as e:
            sys.stderr.write("portal_browser.py: %s\n" % e)
            with open(os.path.join(profile, "stderr"), "rb") as f:
                sys.stderr.write(f.read()[-2000:].decode("utf-8", "replace"))
            return 1
        finally:
            b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
