"""Shared steps of the browser tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class Watch:
    """What a page did that it should not: outside requests, errors, dialogs."""

    outside: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch(page) -> Watch:
    w = Watch()

    def on_request(req) -> None:
        parsed = urlparse(req.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS:
            w.outside.append(req.url)

    page.on("request", on_request)
    page.on("pageerror", lambda e: w.page_errors.append(str(e)))
    page.on("console", lambda m: w.console.append(f"{m.type}: {m.text}"))

    def on_dialog(d) -> None:
        w.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    return w


def open_page(page, url: str, *, charts: int = 0, timeout: float = 60_000) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')"
        " || document.querySelector('[data-testid=stStatusWidget]').innerText === ''",
        timeout=timeout,
    )
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
            timeout=timeout,
        )
    page.wait_for_timeout(800)


def full_screenshot(page, path: Path) -> None:
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": 1400, "height": max(900, min(int(height) + 40, 12000))})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path), full_page=True)
