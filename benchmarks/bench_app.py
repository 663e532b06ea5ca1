"""Time the Streamlit app's first page on a fresh start and a later visit, in headless Chromium.

Prints figures (the target is under 3 s for the first page); not part of the test suite.
Usage: .venv/bin/python benchmarks/bench_app.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_browser import ARGS, CHROMIUM, ROOT, SEARCH, free_port, wait_healthy  # noqa: E402


def one_run(browser) -> tuple[float, float, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(url, process)
        timings = []
        for _ in range(2):
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(url)
            page.get_by_label(SEARCH, exact=True).wait_for(timeout=60_000)
            shell = time.perf_counter() - started
            page.get_by_text("Class hierarchy (").wait_for(timeout=60_000)
            timings.append((shell, time.perf_counter() - started))
            page.close()
        return timings[0][0], timings[0][1], timings[1][1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        runs = [one_run(browser) for _ in range(args.runs)]
        browser.close()
    for name, index in (("first page: search box", 0), ("first page: counts and class tree", 1), ("later visit", 2)):
        values = [r[index] for r in runs]
        print(f"{name:36} median {statistics.median(values):.2f} s  max {max(values):.2f} s")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
