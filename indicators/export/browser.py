"""The headless Chromium that draws chart images: found on the system, started once and
shared, every call bounded in time, discarded and restarted when it fails.

Rendering uses kaleido with the system's Chromium (Debian's ``chromium``; ``BROWSER_PATH``
overrides) and never downloads a browser. One browser process serves a whole batch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import plotly.io as pio

from indicators.geo import OUTLINES_DIR

RENDER_TIMEOUT = 60  # seconds for one image; INDICATORS_EXPORT_TIMEOUT overrides
START_TIMEOUT = 30  # seconds for the browser to start; INDICATORS_EXPORT_START_TIMEOUT

_LOCK = threading.Lock()
_worker: _Worker | None = None
_last_failure: str | None = None


class ExportUnavailable(RuntimeError):
    """No Chromium to render with: says which package to install."""


class ExportFailed(RuntimeError):
    """The browser failed to start, crashed or hung: the message says which, in plain words.
    The browser is discarded; the next export starts a fresh one."""


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def chromium_path() -> str | None:
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_browser_message() -> str:
    return (
        "Image export needs Chromium on this machine and none was found. Install Debian's "
        "package: `sudo apt-get install chromium` (or set BROWSER_PATH to a Chrome or "
        "Chromium binary)."
    )


def last_failure() -> str | None:
    """The message of the last failed export, until an export succeeds (for the dashboard)."""
    return _last_failure


def _configure() -> None:
    # An absolute file:// URI: a relative path would resolve against kaleido's temp page.
    pio.defaults.topojson = OUTLINES_DIR.resolve().as_uri()
    pio.defaults.mathjax = None
    try:
        pio.defaults.headers = {}
    except AttributeError:  # older plotly
        pass


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return (text.splitlines() or [type(exc).__name__])[0][:200]


def _kaleido_class() -> type:
    """kaleido's browser, keeping its tab between images.

    kaleido reloads the tab (and with it plotly.js and the map outlines) after every image,
    and only then returns the image: most of a warm export's time. Its page draws each
    figure in a new element and removes it afterwards, so a PNG or SVG leaves nothing behind;
    a PDF prints the whole page, so after one the tab is reloaded, as it is every
    ``RELOAD_EVERY`` images to bound what a long session accumulates. Should kaleido change
    its internals, its own behaviour is kept (``INDICATORS_EXPORT_REUSE=0`` restores it)."""
    import kaleido

    base = kaleido.Kaleido
    if not (REUSE_TAB and hasattr(base, "_return_kaleido_tab")):
        return base

    class ReusingKaleido(base):  # type: ignore[misc, valid-type]
        reload_after = True

        async def _return_kaleido_tab(self, tab: Any) -> None:
            ready = getattr(self, "tabs_ready", None)
            if self.reload_after or ready is None:
                await super()._return_kaleido_tab(tab)
            else:
                await ready.put(tab)

    return ReusingKaleido


REUSE_TAB = os.environ.get("INDICATORS_EXPORT_REUSE", "1") != "0"
RELOAD_EVERY = 25


class _Worker:
    """One Chromium (through kaleido) driven from its own event-loop thread, so that every
    call can be abandoned at a deadline: kaleido's own sync server waits forever on a
    browser that never starts or stops answering."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.loop = asyncio.new_event_loop()
        # A browser killed at a deadline leaves tasks that fail later; they are expected and
        # must not print tracebacks into the server's log or the command's output.
        self.loop.set_exception_handler(lambda loop, context: None)
        self.thread = threading.Thread(
            target=self.loop.run_forever, daemon=True, name="indicators-export"
        )
        self.thread.start()
        self.kaleido: Any = None
        self.renders = 0

    @property
    def process(self) -> Any:
        return getattr(self.kaleido, "subprocess", None)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def call(self, coro: Any, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    async def _open(self) -> None:
        self.kaleido = _kaleido_class()(n=1, timeout=None, mathjax=False, path=self.path)
        await self.kaleido.open()

    def open(self, timeout: float) -> None:
        self.call(self._open(), timeout)

    async def _render(self, fig_dict: dict, opts: dict, topojson: str | None) -> bytes:
        return await self.kaleido.calc_fig(fig_dict, opts=opts, topojson=topojson)

    def render(self, fig_dict: dict, opts: dict, timeout: float) -> bytes:
        if not self.alive():
            raise ExportFailed("the browser has exited")
        self.renders += 1
        if hasattr(self.kaleido, "reload_after"):
            self.kaleido.reload_after = (
                opts.get("format") == "pdf" or self.renders % RELOAD_EVERY == 0
            )
        return self.call(self._render(fig_dict, opts, pio.defaults.topojson), timeout)

    def _kill(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:  # the browser runs in its own process group: end it with its helpers
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
        try:
            process.wait(timeout=5)
        except Exception:
            pass

    def close(self, *, force: bool = False) -> None:
        """Stop the browser, politely unless ``force``; waits a few seconds at most."""
        if force:
            self._kill()
        if self.kaleido is not None and self.loop.is_running():
            try:
                self.call(self.kaleido.close(), 3 if force else 10)
            except BaseException:  # closing a dead browser fails in many ways
                pass
        self._kill()

        def cancel_all() -> None:
            for task in asyncio.all_tasks(self.loop):
                task.cancel()
            self.loop.call_soon(self.loop.stop)

        if self.loop.is_running():
            self.loop.call_soon_threadsafe(cancel_all)
        self.thread.join(timeout=5)
        if not self.thread.is_alive():
            self.loop.close()


def _discard(*, force: bool) -> None:
    global _worker
    worker, _worker = _worker, None
    if worker is not None:
        worker.close(force=force)


def _start_locked() -> None:
    global _worker
    path = chromium_path()
    if path is None:
        raise ExportUnavailable(missing_browser_message())
    _configure()
    if _worker is not None:
        if _worker.alive() and _worker.path == path:
            return
        _discard(force=True)  # died since the last image, or another browser was chosen
    worker = _Worker(path)
    limit = _seconds("INDICATORS_EXPORT_START_TIMEOUT", START_TIMEOUT)
    try:
        worker.open(limit)
    except concurrent.futures.TimeoutError:
        worker.close(force=True)
        raise ExportFailed(f"the browser ({path}) did not start within {limit:g} s") from None
    except Exception as exc:  # any failure to start is reported the same way
        worker.close(force=True)
        raise ExportFailed(
            f"the browser ({path}) could not be started: {_first_line(exc)}"
        ) from None
    _worker = worker


def _acquire() -> None:
    wait = (
        _seconds("INDICATORS_EXPORT_TIMEOUT", RENDER_TIMEOUT)
        + _seconds("INDICATORS_EXPORT_START_TIMEOUT", START_TIMEOUT)
        + 15
    )
    if not _LOCK.acquire(timeout=wait):
        raise ExportFailed("the image service is busy with another export; try again")


def start() -> None:
    """Start the shared browser process (idempotent). Raises ExportUnavailable without
    Chromium, ExportFailed when it does not start within the start timeout."""
    _acquire()
    try:
        _start_locked()
    finally:
        _LOCK.release()


def stop() -> None:
    _acquire()
    try:
        _discard(force=False)
    finally:
        _LOCK.release()


@contextmanager
def session() -> Iterator[None]:
    """One browser for a batch of images."""
    start()
    try:
        yield
    finally:
        stop()


def draw(fig_dict: dict, opts: dict) -> bytes:
    """One image of a figure's plain data, in bounded time. Raises ExportUnavailable without
    Chromium and ExportFailed when the browser fails to start, crashes or hangs (it is then
    discarded, so the next call starts afresh)."""
    global _last_failure
    limit = _seconds("INDICATORS_EXPORT_TIMEOUT", RENDER_TIMEOUT)
    _acquire()  # one image at a time: kaleido draws in one tab
    try:
        try:
            _start_locked()
            assert _worker is not None
            blob = _worker.render(fig_dict, opts, limit)
        except ExportUnavailable:
            raise
        except concurrent.futures.TimeoutError:
            _discard(force=True)
            _last_failure = (
                f"Image export failed: the browser did not answer within "
                f"{limit:g} s and was restarted. Try again."
            )
            raise ExportFailed(_last_failure) from None
        except ExportFailed as exc:
            _discard(force=True)
            _last_failure = f"Image export failed: {str(exc).rstrip('.')}. Try again."
            raise ExportFailed(_last_failure) from None
        except Exception as exc:  # a crashed browser surfaces in many forms
            _discard(force=True)
            _last_failure = (
                "Image export failed: the browser stopped while drawing "
                f"({type(exc).__name__}: {_first_line(exc)}) and was restarted. "
                "Try again."
            )
            raise ExportFailed(_last_failure) from None
        _last_failure = None
    finally:
        _LOCK.release()
    return blob
