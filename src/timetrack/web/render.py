"""Pages from the package's Jinja2 templates, the static files they name, and the header
every page of the app is answered with.

Static files (``static/``: our CSS and ES modules) are named in pages by the hash of their
content (``/app/static/<hash>/<name>``) and cached for a year as immutable: a new release
changes the URL, so a browser never runs an old script against a new page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from timetrack.web.i18n import Texts

PREFIX = "/app"
STATIC = f"{PREFIX}/static"
_HERE = Path(__file__).parent
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

# Pages load only this server's files: no inline script or style (no 'unsafe-inline'), no
# other origin, forms post only here, never in a frame.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class Asset:
    path: Path
    digest: str
    media_type: str

    @property
    def url(self) -> str:
        return f"{STATIC}/{self.digest}/{self.path.name}"


def _assets() -> dict[str, Asset]:
    found = {}
    for path in sorted((_HERE / "static").iterdir()):
        if path.suffix in _TYPES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            found[path.name] = Asset(path, digest, _TYPES[path.suffix])
    return found


ASSETS = _assets()

ENV = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a misspelt name fails the page's test, not silently blank
    trim_blocks=True,
    lstrip_blocks=True,
    # The templates are the package's files, the same for the process's life: no stat of each
    # template (and of those it extends and imports) on every page.
    auto_reload=False,
)
ENV.globals["asset"] = lambda name: ASSETS[name].url


def page(
    request: Request, template: str, texts: Texts, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """A page in the person's language; never stored by caches (it shows their data)."""
    body = ENV.get_template(template).render(
        request=request, t=texts, _=texts.gettext, lang=texts.lang, **values
    )
    return HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


def static_file(digest: str, name: str) -> Response | None:
    """The file of that name and content hash, or None (an unknown name, or the hash of
    another release's file: its page must be reloaded)."""
    found = ASSETS.get(name)
    if found is None or found.digest != digest:
        return None
    return FileResponse(
        found.path,
        media_type=found.media_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
