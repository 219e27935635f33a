"""The search page in a real browser: Debian's chromium driven by selenium, against `vnsearch serve` run as a process.

Skips only when no chromium and chromedriver can be found (``.ci/run`` installs
them). With ``VNSEARCH_SCREENSHOT=path.png`` it also saves the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import quote

import pytest
from conftest import HOSTILE_ID
from helpers import serving

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="no chromium and chromedriver (apt-get install -y chromium chromium-driver)")


@pytest.fixture(scope="module")
def server(web_index):
    """`vnsearch serve` on a free loopback port, as a user starts it; stopped after the module."""
    with serving(web_index) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # Headless, and none of chromium's own network calls: this machine's network is closed.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic", "--window-size=1100,900", "--lang=vi",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # No implicit wait: the pages are whole when loaded (no script), and looking for what must be absent is instant.
    yield driver
    driver.quit()


def search_for(browser, text: str) -> None:
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(text)
    follow(browser, box.submit)


def follow(browser, action) -> None:
    """Do what loads a new page, and wait until the old one is gone: selenium's click
    returns before the navigation, so a lookup right after could find the old page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def test_a_reader_searches_narrows_pages_and_reads(server, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    search_for(browser, "thu dau mot")
    suggestion = browser.find_element(By.CSS_SELECTOR, ".suggestion a")
    assert suggestion.text == "Thủ Dầu Một"
    assert "Thủ Dầu Một" in {m.text for m in browser.find_elements(By.CSS_SELECTOR, ".hit mark")}
    if os.environ.get("VNSEARCH_SCREENSHOT"):
        browser.save_screenshot(os.environ["VNSEARCH_SCREENSHOT"])
    follow(browser, suggestion.click)
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "Thủ Dầu Một"

    search_for(browser, "tinh")
    first_page = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit h2 a")]
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click)
    second_page = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit h2 a")]
    assert len(first_page) == 10 and second_page and not set(first_page) & set(second_page)
    assert "page=2" in browser.current_url and "q=tinh" in browser.current_url

    facet = browser.find_element(By.XPATH, "//aside[@class='facets']//a[text()='An Giang']")
    follow(browser, facet.click)
    assert "Tỉnh, thành: An Giang" in browser.find_element(By.CSS_SELECTOR, ".filters").text
    assert "page=" not in browser.current_url
    hits = browser.find_elements(By.CSS_SELECTOR, ".hit h2 a")
    assert 0 < len(hits) < len(first_page)
    title = hits[0].text
    follow(browser, hits[0].click)
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert "An Giang" in browser.find_element(By.CSS_SELECTOR, ".fields").text


def test_script_in_an_article_is_text_in_the_browser(server, browser) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/articles/{quote(HOSTILE_ID, safe='')}")
    assert "<script>alert('tiêu đề')</script>" in browser.find_element(By.TAG_NAME, "h1").text
    assert "onerror=alert('ảnh')" in browser.find_element(By.CSS_SELECTOR, ".body").text
    assert browser.find_elements(By.TAG_NAME, "script") == [] and browser.find_elements(By.TAG_NAME, "img") == []
    with pytest.raises(NoAlertPresentException):  # reading an alert's text raises when none is open
        _ = browser.switch_to.alert.text
    browser.get(server)
    search_for(browser, "<script>alert('q')</script>")
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "<script>alert('q')</script>"
    assert browser.find_elements(By.TAG_NAME, "script") == []
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text



def test_a_reader_narrows_by_the_timeline_and_reads_a_marked_article(server, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/?q=&since=1990")
    bars = browser.find_elements(By.CSS_SELECTOR, ".timeline svg a")
    assert [b.get_attribute("aria-label") for b in bars][:2] == ["Năm 2017: 1 bài", "Năm 2018: 0 bài"]
    assert all(b.size["height"] > 100 for b in bars)  # a tall target on a phone, however small the count
    follow(browser, bars[0].click)
    assert "since=2017" in browser.current_url and "until=2017" in browser.current_url
    assert "Từ ngày: 2017" in browser.find_element(By.CSS_SELECTOR, ".filters").text
    assert browser.find_element(By.CSS_SELECTOR, ".count").text == "1 bài viết"
    browser.get(server)  # the form keeps the dates: a new search starts from a clean one
    search_for(browser, "đảng viên thành phố")
    assert browser.find_element(By.CSS_SELECTOR, ".count").text.startswith("2 bài chứa mọi từ · khoảng 9 bài")
    assert browser.find_elements(By.CSS_SELECTOR, ".hit.partial .missing s")
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".hit h2 a").click)
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".back a").click)
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "đảng viên thành phố"
    search_for(browser, "binh lieu")
    assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".hit h2 mark")] == ["Bình Liêu"]
