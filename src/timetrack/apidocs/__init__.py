"""The interactive API docs, ``/docs`` (Swagger UI), served offline.

FastAPI's own pages load their code from a public CDN and start it with an inline script, so
they are blank on an air-gapped installation and need a CSP that lets other origins in. Here
the UI build comes from an installed package (``fastapi-offline`` ships Swagger UI) and is
served under ``/docs/assets/``; the page starts the UI with a small script of ours from the same
place, reading the document's URL from a ``data-`` attribute. So the page loads nothing but
same-origin files, and ``CSP`` allows ``'self'`` only.

ReDoc, which the same package ships, is not offered: its sidebar always loads its maker's logo
from their CDN, and this server's pages make no request to any other origin.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import FileResponse, HTMLResponse, Response

from timetrack.errors import ROUTE_NOT_FOUND, AppError

SWAGGER_PATH = "/docs"
ASSETS = "/docs/assets"
PAGES = frozenset({SWAGGER_PATH})

# No other origin, no inline script. Inline *styles* stay allowed: Swagger UI sets style
# attributes at run time, which 'self' cannot cover.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

_JS = "text/javascript; charset=utf-8"


@dataclass(frozen=True, slots=True)
class _Asset:
    path: Path
    media_type: str


def _assets() -> dict[str, _Asset]:
    # fastapi-offline keeps its copies of the UI builds in its package's static/ folder.
    vendor = Path(str(resources.files("fastapi_offline"))) / "static"
    ours = Path(__file__).parent
    return {
        "swagger-ui-bundle.js": _Asset(vendor / "swagger-ui-bundle.js", _JS),
        "swagger-ui.css": _Asset(vendor / "swagger-ui.css", "text/css; charset=utf-8"),
        "favicon.png": _Asset(vendor / "favicon.png", "image/png"),
        "swagger-init.js": _Asset(ours / "swagger-init.js", _JS),
    }


def _page(title: str, head: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
    )


def install(app: FastAPI, *, title: str, openapi_url: str) -> None:
    """Serve the page and its assets (none of them in the OpenAPI document)."""
    assets = _assets()

    def urls(request: Request) -> tuple[str, str]:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return html.escape(root + ASSETS), html.escape(root + openapi_url)

    @app.get(SWAGGER_PATH, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        base, spec = urls(request)
        head = (
            f'<link rel="icon" type="image/png" href="{base}/favicon.png">\n'
            f'<link rel="stylesheet" href="{base}/swagger-ui.css">\n'
        )
        body = (
            f'<div id="swagger-ui" data-openapi-url="{spec}"></div>\n'
            f'<script src="{base}/swagger-ui-bundle.js"></script>\n'
            f'<script src="{base}/swagger-init.js"></script>\n'
        )
        return HTMLResponse(_page(f"{title} - Swagger UI", head, body))

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        found = assets.get(name)
        if found is None:
            raise AppError.of(ROUTE_NOT_FOUND, f"no docs asset {name[:80]!r}")
        # The files change only with an upgrade of the package; an hour of caching spares
        # reloading 3 MB of script on every visit.
        return FileResponse(
            found.path,
            media_type=found.media_type,
            headers={"Cache-Control": "public, max-age=3600"},
        )
