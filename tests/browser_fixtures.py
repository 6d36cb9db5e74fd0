"""Headless Chromium for the tests that look at a page as a person would (Neo4j Browser,
the web page of ``matchgraph serve``): one way to start it, skipped outside CI when absent
and failed under CI=true."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")


def missing(what: str, reason: str) -> None:
    """Skip, or fail under CI=true where a missing service must not pass as green."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the {what} test is required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def chromium(what: str, window: str) -> Iterator[Any]:
    """A headless Chromium driven by Selenium, quit afterwards; ``window`` is "W,H"."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing(what, "selenium is not installed (pip install selenium)")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        missing(what, "chromium/chromedriver missing (apt-get install chromium chromium-driver)")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={window}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()
