# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report in headless Chromium, served over HTTP with Jenkins' default Content-Security-Policy.

    python check_browser.py REPORT_DIR --search TEXT --screenshot PNG [--control] [--text TEXT ...]

Under Jenkins' CSP (no script at all): the only console line allowed is Chromium saying the
sandbox kept the report's script from running; the script did not run (so the header was
applied); the styles were applied (the header's pixels have the colour of the verdict; with
--control, a load with style-src 'none' shows an unstyled page would fail that check). Then, with a test-only probe
script (CSP: Jenkins' plus script-src 'self' and sandbox allow-scripts, the only relaxation the
probe needs; the report's styles and markup are the same): at 1280 px the document has no
horizontal overflow and the findings column ends inside the viewport; no VM, server or job name
breaks mid-word (only after a separator: . - _ / \\ @ or a space); every filter link (CSS :target,
no script) shows as many rows as it and its tile say (issue 29), and the text filter (the report's
script) the rows that match; each --text is seen (rendered, not only in the markup) above the chart.
"""
from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import re
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path

JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';"
PROBE_CSP = "sandbox allow-scripts; default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self';"
NO_STYLE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'none';"
SANDBOX_MESSAGE = ("Blocked script execution in '{url}' because the document's frame is sandboxed and the "
                   "'allow-scripts' permission is not set.")
PROBE = Path(__file__).with_name("files") / "layout_probe.js"
WIDTH, HEIGHT = 1280, 900


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the report directory; the CSP and whether to add the probe come from the path."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        mode, _slash, rest = self.path.lstrip("/").partition("/")
        path = rest.split("?", 1)[0].split("#", 1)[0]
        file = PROBE if path == "__probe__.js" else Path(self.directory) / path
        if not path or not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        if mode == "probe" and path.endswith(".html"):
            body = body.replace(b"</body>", b'<script src="__probe__.js" defer></script></body>')
        kind = {"html": "text/html; charset=utf-8", "css": "text/css", "js": "text/javascript"}
        self._send(body, kind.get(path.rsplit(".", 1)[-1], "application/octet-stream"), mode)

    def _send(self, body: bytes, kind: str, mode: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Security-Policy", {"probe": PROBE_CSP, "nostyle": NO_STYLE_CSP}.get(mode, JENKINS_CSP))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def chromium(url: str, *action: str, height: int = HEIGHT) -> tuple[str, list[str]]:
    """Run headless Chromium on url; its stdout and the console lines it logged."""
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", f"--window-size={WIDTH},{height}", "--hide-scrollbars",
             "--virtual-time-budget=5000", *action, url],
            capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 0:
        raise AssertionError(f"chromium exited {run.returncode} on {url}: {run.stderr[-2000:]}")
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return run.stdout, console


def pixel(png: Path, x: int, y: int) -> tuple[int, int, int]:
    """The RGB of one pixel of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    chunks, pos = {}, 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8].decode("ascii")
        chunks[kind] = chunks.get(kind, b"") + data[pos + 8:pos + 8 + length]
        pos += 12 + length
    width = int.from_bytes(chunks["IHDR"][:4], "big")
    depth, colour, interlace = chunks["IHDR"][8], chunks["IHDR"][9], chunks["IHDR"][12]
    assert depth == 8 and colour in (2, 6) and interlace == 0, chunks["IHDR"]
    size = 4 if colour == 6 else 3
    raw, stride, previous = zlib.decompress(chunks["IDAT"]), width * size, bytearray(width * size)
    for row in range(y + 1):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - size] if i >= size else 0, previous[i]
            c = previous[i - size] if i >= size else 0
            line[i] = (line[i] + [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]) & 0xFF
        previous = line
    return tuple(previous[x * size:x * size + 3])


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def probe(base: str, suffix: str) -> dict:
    dom, console = chromium(f"{base}/probe/replica-compliance.html{suffix}", "--dump-dom")
    assert not console, f"console messages with the probe: {console}"
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the probe did not run"
    return json.loads(html.unescape(found.group(1)))


def check_jenkins(base: str, report: dict, screenshot: Path, control: bool) -> None:
    url = f"{base}/jenkins/replica-compliance.html"
    dom, console = chromium(url, "--dump-dom")
    allowed = SANDBOX_MESSAGE.format(url=url)
    unexpected = [line for line in console if allowed not in line]
    assert not unexpected, f"console messages under Jenkins' CSP: {unexpected}"
    assert 'data-ready="true"' not in dom, "the report's script ran: the CSP was not applied"
    assert re.search(r'<input[^>]*id="vm-search"[^>]*hidden', dom), "the text filter shows although no script runs"
    assert len(re.findall(r'<tr [^>]*class="vm ', dom)) == report["counts"]["vms"]
    _out, console = chromium(url, f"--screenshot={screenshot}", height=1800)
    assert not [line for line in console if allowed not in line], console
    red, green, blue = pixel(screenshot, 6, 6)
    verdict = (green > 100 and red < 100) if report["passed"] else (red > 150 and green < 100)
    assert verdict, f"the header is not coloured by the report's styles under Jenkins' CSP: rgb{(red, green, blue)}"
    if control:
        with tempfile.TemporaryDirectory() as scratch:
            unstyled = Path(scratch) / "control.png"
            chromium(f"{base}/nostyle/replica-compliance.html", f"--screenshot={unstyled}")
            assert pixel(unstyled, 6, 6) == (255, 255, 255), "the pixel check cannot tell styled from unstyled"


def check_probe(base: str, report: dict, search: str, texts: list[str], links: bool) -> None:
    vms, failing = report["counts"]["vms"], report["counts"]["failing"]
    plain = probe(base, "")
    assert plain["ready"] == "true" and plain["search_shown"], plain
    seen = " ".join(plain["top_text"].split())
    missing = [text for text in texts if text not in seen]
    assert not missing, f"not shown above the chart: {missing}; shown: {seen[:2000]}"
    assert plain["scroll_width"] <= plain["viewport"], f"the page scrolls sideways at {WIDTH} px: {plain}"
    assert plain["wrap_scroll_width"] <= plain["wrap_client_width"], f"the table scrolls sideways at {WIDTH} px: {plain}"
    assert plain["findings_right"] is not None and plain["findings_right"] <= min(plain["viewport"], plain["wrap_right"]), (
        f"the findings column ends outside the viewport at {WIDTH} px: {plain}")
    assert plain["rows"] == plain["rows_shown"] == vms, plain
    assert not plain["names"]["mid_word"], f"names broken mid-word at {WIDTH} px: {plain['names']['mid_word'][:5]}"
    only_failing = probe(base, "#show-failing")
    assert only_failing["rows_shown"] == failing, f"#show-failing shows {only_failing['rows_shown']} rows, not {failing}"
    if links:
        check_filter_links(base, report)
    print(f"{plain['names']['wrapped']} names wrap at {WIDTH} px, none mid-word")
    matching = sum(search in (vm["vm_name"] + " " + vm["backup_server_name"]).lower() for vm in report["vms"])
    typed = probe(base, f"?q={search}")
    assert typed["rows_after_text"] == matching, f"typing {search!r} shows {typed['rows_after_text']} rows, not {matching}"


def check_filter_links(base: str, report: dict) -> None:
    """Each filter link shows as many rows as its own number says, which is the tile's and the JSON's count
    (check_reports.py checks those agree): a link that counts one way and filters another fails here."""
    dom, _console = chromium(f"{base}/jenkins/replica-compliance.html", "--dump-dom")
    links = re.findall(r'<a href="#show-(\w+)" data-count-of="\w+">[^<]*\((\d+)\)</a>', dom)
    assert {key for key, _count in links} >= {"ok", "failing", "rpo_breach", "failed", "warning", "running"}, links
    for key, count in links:
        if key != "failing":  # checked above
            shown = probe(base, f"#show-{key}")["rows_shown"]
            assert shown == int(count), f"the filter link #show-{key} says {count} but shows {shown} rows"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report_dir", type=Path)
    parser.add_argument("--screenshot", type=Path, required=True)
    parser.add_argument("--search", required=True, help="text to type in the filter (a part of some VM names)")
    parser.add_argument("--control", action="store_true", help="also show that an unstyled page fails the pixel check")
    # Each link is one more Chromium start (seconds each): asked for on the reports that have every finding.
    parser.add_argument("--links", action="store_true", help="also count the rows each filter link shows")
    parser.add_argument("--text", action="append", default=[],
                        help="text a reader must see above the chart, such as a check not judged (repeatable)")
    args = parser.parse_args()
    report = json.loads((args.report_dir / "replica-compliance.json").read_text(encoding="utf-8"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(args.report_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        check_jenkins(base, report, args.screenshot, args.control)
        check_probe(base, report, args.search.lower(), args.text, args.links)
    finally:
        server.shutdown()
    print(f"{args.report_dir}: renders under Jenkins' CSP, fits {WIDTH} px, filters work; screenshot {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
