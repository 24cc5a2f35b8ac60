"""Headless Chromium (Debian's chromium + chromium-driver) driven by Selenium,
and the portal served by waitress on a free loopback port."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")


class LiveServer:
    def __init__(self, app):
        from waitress.server import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.close()


def chromium(download_dir: Path, width: int = 1280, height: int = 900):
    """A headless Chromium that saves downloads into ``download_dir``."""
    if not CHROMIUM or not CHROMEDRIVER:
        raise RuntimeError("chromium ve chromium-driver kurulu değil: scripts/setup.sh kurar "
                           "(apt-get install chromium chromium-driver).")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=tr-TR", "--no-first-run",
                "--disable-extensions", "--disable-background-networking"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir), "download.prompt_for_download": False,
        "safebrowsing.enabled": False, "intl.accept_languages": "tr-TR,tr"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    driver.set_page_load_timeout(180)
    driver.implicitly_wait(15)  # the machine is shared: pages may take a while under load
    return driver


def wait_for_download(folder: Path, name_part: str, timeout: float = 60) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.iterdir() if name_part in p.name and not p.name.endswith(".crdownload")]
        if done and done[0].stat().st_size > 0:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"{name_part} indirilmedi: {[p.name for p in folder.iterdir()]}")


def screenshot_full(driver, path: Path, width: int = 1280, max_height: int = 4000) -> None:
    """A screenshot of the whole page height."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": min(max(height, 600), max_height), "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
