import httpx


async def test_create_and_list_client(api: httpx.AsyncClient) -> None:
    r = await api.post("/clients", json={"name": "Acme"})
    assert r.status_code == 201, r.text
    r = await api.get("/clients")
    assert [c["name"] for c in r.json()] == ["Acme"]
