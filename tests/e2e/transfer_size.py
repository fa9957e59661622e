"""Bytes a first visit transfers and bytes a repeat visit transfers once the service worker
keeps the app (Resource Timing's `transferSize`: headers plus the body as sent, compressed),
up to the first prediction of STRUCTURE_FILE's structure, in a fresh browser profile.

Usage: transfer_size.py BASE_URL STRUCTURE_FILE     (BASE_URL: `matfuse serve` or any static host)"""

import sys
import urllib.parse

from browser import SHOWN_EXPR, Browser

TRANSFERRED = """
const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
return {bytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
        files: entries.map(e => [new URL(e.name).pathname, e.transferSize])};
"""


def visit(browser, link):
    browser.open(link)
    browser.wait(f"return ({SHOWN_EXPR}) > 0 || document.querySelector('#model-error, #prediction-error')", 300)
    return browser.js(TRANSFERRED)


def main():
    base, structure = sys.argv[1].rstrip("/"), sys.argv[2]
    fragment = f"#structure={urllib.parse.quote(open(structure).read(), safe='')}"
    with Browser() as browser:
        first = visit(browser, f"{base}/?device=cpu{fragment}")
        browser.wait("return navigator.serviceWorker.controller !== null", 120)
        # Another query, so that the browser loads the page again rather than scroll to the fragment.
        repeat = visit(browser, f"{base}/?device=cpu&visit=2{fragment}")
    for name, result in (("first visit", first), ("repeat visit", repeat)):
        print(f"{name}: {result['bytes']:,} bytes transferred")
        for path, size in sorted(result["files"], key=lambda f: -f[1])[:6]:
            print(f"  {path:48} {size:>12,}")


if __name__ == "__main__":
    main()
