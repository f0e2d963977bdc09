"""The interactive page in a real browser: Debian's headless Chromium, driven by selenium.

The page of a small trust x verification sweep is opened from disk with every network request
sent to a dead proxy (so a page that reached for the network would log an error). The test
checks that the plot rendered (its canvas elements exist, the console has no error), hovers
known cells and reads the tooltip against the dataset, switches the format with the menu, and
saves a screenshot (``NEGOTIATION_SIM_SCREENSHOT=path`` copies it there: docs/images/ is made
so).

Chromium and its driver come from Debian (``apt-get install chromium chromium-driver``;
``.ci/run`` installs them). Without them the test is skipped, saying how to install them, or
fails under CI (``CI=true``), where they must be there. selenium is pointed at
``/usr/bin/chromedriver`` and never downloads a driver or a browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from negotiation_sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "apt-get install chromium chromium-driver (as root, or with sudo)"
#: How long the page may take to render, and a tooltip to appear.
WAIT = 20.0

#: Every element of the page, through Bokeh's shadow roots.
_ALL = """
const all = (root, out) => {
  for (const e of root.querySelectorAll('*')) { out.push(e); if (e.shadowRoot) all(e.shadowRoot, out); }
  return out;
};
"""
#: The screen position of a data point of the plot (its frame and scales, from Bokeh's view).
_POSITION = """
const model = Bokeh.documents[0].get_model_by_name('landscape');
const view = Bokeh.index.find_one(model);
const box = view.el.getBoundingClientRect();
return [box.left + view.frame.x_scale.compute(arguments[0]),
        box.top + view.frame.y_scale.compute(arguments[1])];
"""


def _browser() -> tuple[str, str]:
    """Chromium and its driver, or a skip (a failure under CI) saying how to install them."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    missing = [
        name for name, path in (("chromium", chromium), ("chromedriver", driver)) if not path
    ]
    if missing:
        message = f"headless Chromium is needed ({', '.join(missing)} not found): {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert chromium and driver
    return chromium, driver


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small sweep (11 x 11, two formats) and its page."""
    folder = tmp_path_factory.mktemp("browser")
    text = (ROOT / "experiments" / "trust_verification.toml").read_text()
    scenario = (ROOT / "scenarios" / "alaska_2025_reduced.toml").as_posix()
    text = text.replace("points = 101", "points = 11").replace(
        '"../scenarios/alaska_2025_reduced.toml"', json.dumps(scenario)
    )
    (folder / "tv.toml").write_text(text)
    results = folder / "results"
    assert main(["sweep", str(folder / "tv.toml"), "-o", str(results), "--no-progress"]) == 0
    out = folder / "page.html"
    assert main(["plot", str(results), "--html", str(out)]) == 0
    return results / "results.nc", out


@pytest.fixture(scope="module")
def driver() -> Any:
    chromium, chromedriver = _browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager never reaches for the network
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1100,1000",
        "--proxy-server=127.0.0.1:9",  # a dead proxy: any network request fails, and logs
        "--proxy-bypass-list=<-loopback>",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    browser.set_page_load_timeout(WAIT)
    try:
        yield browser
    finally:
        browser.quit()


def _until(condition: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {WAIT:g} s waiting for {what}")


def _rendered(driver: Any) -> int:
    """How many drawn canvases the page has (0 until Bokeh has drawn the plot)."""
    script = (
        _ALL
        + """
    const ready = typeof Bokeh !== 'undefined' && Bokeh.documents.length > 0 &&
      Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('landscape')) != null;
    return ready ? all(document, []).filter(e => e.tagName === 'CANVAS' && e.width > 0).length : 0;
    """
    )
    return int(driver.execute_script(script))


def _tooltip(driver: Any) -> dict[str, str]:
    """The rows of the visible tooltip, label -> text ({} while there is none)."""
    script = (
        _ALL
        + """
    const tips = all(document, []).filter(e => e.classList && e.classList.contains('ns-tooltip')
                                              && e.offsetParent !== null);
    if (tips.length === 0) return null;
    return [...tips[0].querySelectorAll('.ns-row')].map(
      r => [r.querySelector('.ns-label').textContent, r.querySelector('.ns-value').textContent]);
    """
    )
    rows = driver.execute_script(script)
    return {label: value for label, value in rows} if rows else {}


def _hover(driver: Any, x: float, y: float, expected: str) -> dict[str, str]:
    """Move the mouse onto the data point (x, y); the tooltip once it shows ``expected``."""
    from selenium.webdriver.common.action_chains import ActionChains

    left, top = driver.execute_script(_POSITION, x, y)
    ActionChains(driver).move_by_offset(0, 0).perform()  # the pointer starts at the origin
    actions = ActionChains(driver)
    actions.w3c_actions.pointer_action.move_to_location(round(left), round(top))
    actions.perform()
    return dict(
        _until(lambda: (t := _tooltip(driver)) and expected in t.values() and t, "a tooltip")
    )


def _expected(ds: Any, fmt: str, trust: float, verification: float) -> dict[str, Any]:
    """What the tooltip must say, straight from the dataset (the set from the two flags)."""
    cell = ds.sel(format=fmt, trust=trust, verification=verification)
    deal, no_deal = bool(cell.deal_is_equilibrium), bool(cell.no_deal_is_equilibrium)
    eqset = {(True, False): "deal only", (True, True): "deal and no deal"}.get(
        (deal, no_deal), "no deal only" if no_deal else "no pure equilibrium"
    )
    code = int(cell.outcome)
    labels = json.loads(ds.outcome.attrs["outcome_labels"])
    payoffs = {str(a): float(cell.payoff.sel(actor=a)) for a in ds.actor.values}
    return {"set": eqset, "outcome": labels[code], "payoffs": payoffs, "n": int(cell.n_equilibria)}


def _check(tip: dict[str, str], want: dict[str, Any], fmt: str) -> None:
    assert tip["format"] == fmt
    assert tip["equilibrium set"] == want["set"]
    assert tip["pure equilibria"] == str(want["n"])
    outcome = [v for k, v in tip.items() if k.startswith("outcome of the selected")]
    assert outcome == [want["outcome"]], tip
    for actor, payoff in want["payoffs"].items():
        assert abs(float(tip[f"payoff of {actor}"]) - payoff) <= 0.0005 + 1e-6, (actor, tip)


def test_the_page_renders_offline_and_its_tooltips_tell_the_dataset(
    driver: Any, page: tuple[Path, Path], tmp_path: Path
) -> None:
    import xarray as xr

    results, html = page
    text = html.read_text()
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.IGNORECASE)  # everything inlined
    driver.get(html.as_uri())
    assert _until(lambda: _rendered(driver), "the plot to render") >= 1
    ds = xr.load_dataset(results)
    # A deal region cell and a war cell, in the first format shown (bilateral).
    for trust, verification in ((0.8, 0.8), (0.1, 0.2)):
        want = _expected(ds, "bilateral", trust, verification)
        tip = _hover(driver, verification, trust, f"{trust:g}")
        assert tip["trust"] == f"{trust:g}" and tip["verification"] == f"{verification:g}"
        _check(tip, want, "bilateral")
    # The menu shows the other format: the same cell now tells the multilateral game.
    driver.execute_script("Bokeh.documents[0].get_model_by_name('format').value = 'multilateral';")
    want = _expected(ds, "multilateral", 0.8, 0.8)
    _hover(driver, 0.5, 0.5, "multilateral")  # move away and back: Bokeh redraws the tooltip
    tip = _hover(driver, 0.8, 0.8, "multilateral")
    _check(tip, want, "multilateral")
    shot = tmp_path / "page.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("NEGOTIATION_SIM_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["NEGOTIATION_SIM_SCREENSHOT"])
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    assert np.isfinite(list(want["payoffs"].values())).all()
