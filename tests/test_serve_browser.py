"""The web page in headless Chromium: type a need, see results with their path graphs, open
a compare view and an artifact page; screenshots under test-output/serve/.

Uses Debian's chromium and chromedriver through Selenium (no browser download). Skips when
either is missing on a developer's machine; fails under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_fixtures import chromium
from conftest import REPO
from serve_fixtures import Server, data_store  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

OUT = REPO / "test-output" / "serve"


@pytest.fixture
def driver() -> Iterator[Any]:
    yield from chromium("web page", "1280,1400")


@pytest.fixture
def server(data_store: Path) -> Iterator[Server]:  # noqa: F811
    live = Server(data_store, "--rate-limit", "0")
    yield live
    live.stop()


def test_need_results_graph_compare_and_artifact(driver: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    OUT.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(driver, 60)
    driver.get(server.url + "/")
    need = wait.until(ec.element_to_be_clickable((By.ID, "need")))
    assert driver.find_element(By.CSS_SELECTOR, "label[for=need]").text  # labelled
    need.send_keys("extract text from scanned receipts in Japanese")
    need.send_keys(Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB)  # keyboard only: to the button
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results .result")) >= 2)
    wait.until(lambda d: d.find_element(By.ID, "graph-0").get_attribute("data-nodes") not in (None, ""))
    assert int(driver.find_element(By.ID, "graph-0").get_attribute("data-nodes")) >= 3
    canvases = driver.find_elements(By.CSS_SELECTOR, "#graph-0 canvas")
    assert canvases, "the path graph was not drawn"
    first = driver.find_element(By.CSS_SELECTOR, "#results .result h3 a").text
    assert first in {"PaddleOCR", "EasyOCR", "TrOCR base (printed)", "Tesseract"}
    assert "Path graph" in driver.find_element(By.ID, "graph-0").get_attribute("aria-label")
    driver.save_screenshot(str(OUT / "match.png"))

    driver.find_element(By.ID, "pick-0").click()
    driver.find_element(By.ID, "pick-1").click()
    wait.until(ec.element_to_be_clickable((By.ID, "compare-go"))).click()
    verdict = wait.until(ec.visibility_of_element_located((By.ID, "verdict")))
    assert verdict.text
    assert driver.find_elements(By.CSS_SELECTOR, "#compare-out table")
    driver.save_screenshot(str(OUT / "compare.png"))

    driver.get(server.url + "/#/artifact/paddleocr")
    wait.until(lambda d: "PaddleOCR" in d.find_element(By.ID, "artifact-title").text)
    wait.until(lambda d: "capabilities" in d.find_element(By.ID, "artifact-status").text)
    driver.save_screenshot(str(OUT / "artifact.png"))
