"""Driving the pages as a user would: log in, open a step, fill its form, submit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.webapp.site import PASSWORD


def log_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_page(base_url=base, viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    expect(page.locator("nav.nav")).to_be_visible()
    return page


def open_step(page: Page, title: str) -> None:
    """From the home page's list of waiting steps, open the one with this title."""
    page.goto("/")
    page.locator("main table.list").get_by_role("link", name=title, exact=True).first.click()
    expect(page.locator("section.task h2")).to_have_text(title)


def fill(page: Page, data: dict[str, Any], files: dict[str, Path] | None = None) -> None:
    """Set each named field the way its control takes input."""
    for name, value in data.items():
        control = page.locator(f'[name="{name}"]')
        if isinstance(value, list):  # a group of checkboxes
            for item in value:
                page.locator(f'input[name="{name}"][value="{item}"]').check()
            continue
        tag = control.first.evaluate("e => e.tagName.toLowerCase()")
        if tag == "select":
            control.select_option(str(value).lower() if isinstance(value, bool) else str(value))
        else:
            control.fill(str(value))
    for name, path in (files or {}).items():
        page.set_input_files(f'input[type=file][name="{name}"]', str(path))


def submit(page: Page) -> None:
    """Submit a step's form and confirm it on the confirmation page (确认提交)."""
    page.click("section.card form[enctype] button.primary")
    page.click("#confirm-submit")
    expect(page.locator("p.flash.success")).to_be_visible()
