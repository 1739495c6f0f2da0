"""Every route of every resource refuses a request without valid credentials (SPEC §1
"Authentication"): 401 with 10001 when a header is missing, 10002 when the key and the secret do
not belong together. The answer shows nothing of the account's records and nothing is written,
whatever the body asked for.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from conftest import KEY, SECRET, assert_error, client
from fastapi import FastAPI
from records import KINDS, Kind, as_stored, create

from timetrack.accounts.service import Credentials

MISSING, MISMATCHED = 10001, 10002

# The headers each kind of bad credentials sends, and the code it gets.
Headers = Callable[[Credentials], dict[str, str]]
CREDENTIALS: dict[str, tuple[Headers, int]] = {
    "anonymous": (lambda _: {}, MISSING),
    "key only": (lambda creds: {KEY: creds.api_key}, MISSING),
    "secret only": (lambda creds: {SECRET: creds.api_secret}, MISSING),
    "wrong secret": (lambda creds: {KEY: creds.api_key, SECRET: "tts_" + "x" * 43}, MISMATCHED),
    "unknown key": (lambda creds: {KEY: "ttk_unknown", SECRET: creds.api_secret}, MISMATCHED),
}


@pytest.mark.parametrize("kind", KINDS, ids=str)
@pytest.mark.parametrize("credentials", CREDENTIALS)
async def test_every_route_refuses_bad_credentials_and_changes_nothing(
    app: FastAPI, api: httpx.AsyncClient, account: Credentials, kind: Kind, credentials: str
) -> None:
    collection, created = await create(api, kind)
    record = as_stored(kind, created)
    path = f"{collection}/{record['id']}"
    listed = (await api.get(collection)).json()
    headers, code = CREDENTIALS[credentials]
    secrets = [v for v in kind.create.values() if isinstance(v, str) and len(v) > 3]
    async with client(app, headers(account)) as stranger:
        for method, url, body in [
            ("GET", collection, None),
            ("GET", f"{collection}/", None),
            ("POST", collection, {}),
            ("POST", collection, kind.create),
            ("POST", f"{collection}/", kind.create),
            ("GET", path, None),
            ("GET", f"{path}/", None),
            ("POST", path, {}),
            ("PUT", path, kind.update),
            ("PUT", f"{path}/", kind.update),
            ("DELETE", path, None),
            ("DELETE", f"{path}/", None),
            # Credentials come first: before the query, the path's id and the body are read.
            ("GET", f"{collection}?limit=5000", None),
            ("GET", f"{collection}/abc", None),
            ("POST", collection, b"{not json"),
        ]:
            if isinstance(body, bytes):
                response = await stranger.request(method, url, content=body)
            else:
                response = await stranger.request(method, url, json=body)
            assert_error(response, 401, code)
            assert not [s for s in secrets if s in response.text], (method, url)
    assert (await api.get(path)).json() == record
    assert (await api.get(collection)).json() == listed
