"""Screenshots of the portal for the README: the coordinator's dashboard and a
department's findings page, on the demo year, in headless Chromium.

    .venv/bin/python tools/portal_screenshots.py   # writes docs/portal_panel.png, docs/portal_bulgular.png
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from generator.portal import create_app  # noqa: E402
from generator.portal.config import PortalConfig  # noqa: E402
from generator.portal.demo import DEMO_DEPARTMENT, setup_demo  # noqa: E402
from tests.browser import LiveServer, chromium, screenshot_full, wait_for_download  # noqa: E402
from tests.portal_fixtures import fill_badly  # noqa: E402

PASSWORD = "ekran-goruntusu-1"


def main() -> int:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cfg = PortalConfig(data_dir=tmp / "veri", build_pdf=False)
        app = create_app(cfg)
        db = app.extensions["portal_db"]()
        accounts = setup_demo(db, cfg, passwords={u: PASSWORD for u in
                                                  ("koordinator", "izleyici", "birim.fdb", "birim.bhm")},
                              with_sample=True)  # the sample year itself: a dashboard with data
        dept_user = next(a.username for a in accounts if a.department == DEMO_DEPARTMENT)
        server = LiveServer(app)
        (tmp / "indir").mkdir()
        driver = chromium(tmp / "indir")
        try:
            def login(username: str) -> None:
                driver.get(server.url + "/giris")
                driver.find_element(By.ID, "username").send_keys(username)
                driver.find_element(By.ID, "password").send_keys(PASSWORD)
                driver.find_element(By.CSS_SELECTOR, "button.primary").click()
                WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".who")))

            login(dept_user)
            driver.find_element(By.PARTIAL_LINK_TEXT, "Şablonu indir").click()
            template = wait_for_download(tmp / "indir", DEMO_DEPARTMENT)
            filled = fill_badly(template, tmp / f"{template.stem}_doldurulmus.xlsx")
            driver.find_element(By.ID, "dosya").send_keys(str(filled))
            driver.find_element(By.XPATH, "//button[contains(., 'Yükle ve denetle')]").click()
            WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.findings")))
            screenshot_full(driver, docs / "portal_bulgular.png", max_height=1400)
            driver.find_element(By.XPATH, "//button[normalize-space()='Çıkış']").click()
            login("koordinator")
            screenshot_full(driver, docs / "portal_panel.png", max_height=1100)
        finally:
            driver.quit()
            server.close()
    print("docs/portal_panel.png, docs/portal_bulgular.png yazıldı.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
