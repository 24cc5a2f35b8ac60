"""End to end in a real headless Chromium: a department downloads its template,
uploads it with errors, sees the findings, uploads a fixed workbook and submits;
the coordinator approves and builds; the PDF is downloaded. Another
department's user cannot reach any of it."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .browser import LiveServer, chromium, screenshot_full, wait_for_download
from .portal_fixtures import DEPT_A, DEPT_B, PASSWORD, fill_badly, make_portal, sample_workbook


@pytest.fixture()
def site(tmp_path):
    app, cfg = make_portal(tmp_path, build_pdf=True)
    server = LiveServer(app)
    downloads = tmp_path / "indirilenler"
    downloads.mkdir()
    driver = chromium(downloads)
    try:
        yield server.url, driver, downloads, cfg
    finally:
        driver.quit()
        server.close()


def _login(driver, url: str, username: str) -> None:
    driver.get(url + "/giris")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    WebDriverWait(driver, 90).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".who")))


def _logout(driver) -> None:
    driver.find_element(By.XPATH, "//button[normalize-space()='Çıkış']").click()
    WebDriverWait(driver, 90).until(EC.presence_of_element_located((By.ID, "username")))


def _click(driver, text: str) -> None:
    driver.find_element(By.XPATH, f"//*[self::a or self::button][contains(normalize-space(), \"{text}\")]").click()


def _absent(driver, xpath: str) -> bool:
    driver.implicitly_wait(0)
    try:
        return not driver.find_elements(By.XPATH, xpath)
    finally:
        driver.implicitly_wait(15)


def _upload(driver, path) -> None:
    driver.find_element(By.ID, "dosya").send_keys(str(path))
    _click(driver, "Yükle ve denetle")
    WebDriverWait(driver, 180).until(EC.presence_of_element_located((By.CSS_SELECTOR, "dl.meta")))


def test_department_to_pdf_in_chromium(site, tmp_path):
    url, driver, downloads, cfg = site

    # the department: template, upload with errors, findings
    _login(driver, url, "birim.a")
    assert driver.current_url.endswith(f"/birim/{DEPT_A}")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "tr"
    _click(driver, "Şablonu indir")
    template = wait_for_download(downloads, f"2024_{DEPT_A}")
    _upload(driver, fill_badly(template, tmp_path / f"2024_{DEPT_A}_doldurulmus.xlsx"))
    assert "Sürüm 1 — denetim bulguları" in driver.find_element(By.TAG_NAME, "h1").text
    rows = driver.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")
    cells = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    assert ["Hata", "TIP-01", "Birim", "B9",
            "\"Personel Gideri (TL)\" sayı olmalı; yazılan değer: \"yüz milyon\"."] in [c[:5] for c in cells]
    assert any(c[2] == "Göstergeler" and c[3].startswith("E") for c in cells)
    assert _absent(driver, "//button[contains(., 'koordinatöre gönder')]")
    screenshot_full(driver, tmp_path / "bulgular.png")

    # the fixed workbook, then submit
    driver.get(f"{url}/birim/{DEPT_A}")
    _upload(driver, sample_workbook(DEPT_A))
    assert "Sürüm 2" in driver.find_element(By.TAG_NAME, "h1").text
    assert "Bulgu yok" in driver.find_element(By.CSS_SELECTOR, "p.ok").text
    _click(driver, "Bu sürümü koordinatöre gönder")
    WebDriverWait(driver, 90).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".state-line"), "Gönderildi"))
    assert _absent(driver, "//button[contains(., 'koordinatöre gönder')]")
    _logout(driver)

    # another department sees none of it, even by typing the addresses
    _login(driver, url, "birim.b")
    for path in (f"/birim/{DEPT_A}", f"/birim/{DEPT_A}/sablon", f"/birim/{DEPT_A}/surum/1",
                 f"/birim/{DEPT_A}/surum/2/indir", "/panel", "/derleme"):
        driver.get(url + path)
        assert driver.find_element(By.TAG_NAME, "h1").text == "Erişim yok", path
    driver.get(f"{url}/birim/{DEPT_B}/surum/2")  # department A's version under B's address
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sayfa bulunamadı"
    assert not [p for p in downloads.iterdir() if "surum" in p.name]
    _logout(driver)

    # the coordinator: dashboard, approve, build, PDF
    _login(driver, url, "koord")
    assert driver.current_url.endswith("/panel")
    row = driver.find_element(By.XPATH, f"//tr[th//span[@class='code' and text()='{DEPT_A}']]")
    assert "Gönderildi" in row.text and "0 hata" in row.text
    screenshot_full(driver, tmp_path / "panel.png")
    row.find_element(By.TAG_NAME, "a").click()
    _click(driver, "Gönderilen sürümü onayla")
    WebDriverWait(driver, 90).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".state-line"), "Onaylandı"))
    _click(driver, "Derleme")
    _click(driver, "Derlemeyi başlat")
    WebDriverWait(driver, 300, poll_frequency=1).until(
        EC.text_to_be_present_in_element((By.ID, "derleme-durum"), "tamamlandı"))
    assert "Okunan birim\n1" in driver.find_element(By.CSS_SELECTOR, "dl.meta").text
    _click(driver, "Program belgesi (PDF)")
    pdf = wait_for_download(downloads, "performans_programi.pdf", timeout=60)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    for png in ("bulgular.png", "panel.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
