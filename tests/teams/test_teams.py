"""``/teams`` (issue 12): what is particular to teams. What every resource does (paging, the
change feed, ETags, Idempotency-Key, tenant isolation, path ids) is proven for teams by the
shared contract tests, through tests/records.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error
from records import make_user

Json = dict[str, Any]


async def _user(api: httpx.AsyncClient, username: str, **flags: Any) -> Json:
    user = await make_user(api, username)
    if flags:
        response = await api.put(f"/users/{user['id']}", json=flags)
        assert response.status_code == 200, response.text
        user = response.json()
    return user


async def _team(api: httpx.AsyncClient, name: str = "Support", **body: Any) -> Json:
    response = await api.post("/teams", json={"name": name, **body})
    assert response.status_code == 201, response.text
    team: Json = response.json()
    return team


def _errors(response: httpx.Response, status: int = 400) -> list[tuple[int, str]]:
    """(code, pointer) of every problem of the answer."""
    assert response.status_code == status, response.text
    return [(e["code"], e.get("source", {}).get("pointer")) for e in response.json()["errors"]]


@pytest.fixture
async def people(api: httpx.AsyncClient) -> None:
    """maria leads (teamLead), boss is an admin; alex, sam and zoe are plain users."""
    await _user(api, "maria", teamLead=True)
    await _user(api, "boss", admin=True)
    for name in ("zoe", "alex", "Sam"):
        await _user(api, name)


@pytest.mark.usefixtures("people")
async def test_a_team_answers_its_leads_and_members_sorted_by_username(
    api: httpx.AsyncClient,
) -> None:
    team = await _team(api, leads=["maria", "BOSS"], members=["zoe", "sam", "Alex"])
    assert team["leads"] == ["boss", "maria"]
    assert team["members"] == ["alex", "Sam", "zoe"]  # as stored, in any case sent
    assert set(team) == {"id", "name", "leads", "members", "updatedAt"}
    assert (await api.get(f"/teams/{team['id']}")).json() == team


async def test_a_team_may_have_no_leads_and_no_members(api: httpx.AsyncClient) -> None:
    team = await _team(api)
    assert (team["leads"], team["members"]) == ([], [])


@pytest.mark.usefixtures("people")
async def test_a_lead_need_not_be_a_member_and_is_not_listed_as_both(
    api: httpx.AsyncClient,
) -> None:
    team = await _team(api, leads=["maria"], members=["alex"])
    assert "maria" not in team["members"]
    both = await api.post("/teams", json={"name": "B", "leads": ["maria"], "members": ["MARIA"]})
    assert _errors(both) == [(10011, "/members/0")]
    # Nor by an update of one list against the other kept as it is.
    moved = await api.put(f"/teams/{team['id']}", json={"members": ["alex", "maria"]})
    assert _errors(moved) == [(10011, "/members/1")]


@pytest.mark.usefixtures("people")
async def test_a_lead_must_have_the_team_lead_or_admin_role(api: httpx.AsyncClient) -> None:
    response = await api.post("/teams", json={"name": "S", "leads": ["maria", "alex"]})
    error = assert_error(response, 400, 20040, pointer="/leads/1")
    assert "alex" in error["detail"] and "teamLead" in error["detail"]
    assert (await api.get("/teams")).json() == []
    # An external user is no lead either, but may be a member.
    await _user(api, "ext", external=True)
    assert _errors(await api.post("/teams", json={"name": "S", "leads": ["ext"]})) == [
        (20040, "/leads/0")
    ]
    assert (await _team(api, members=["ext"]))["members"] == ["ext"]


@pytest.mark.usefixtures("people")
async def test_a_lead_who_lost_the_role_does_not_block_a_change_of_members(
    api: httpx.AsyncClient,
) -> None:
    team = await _team(api, leads=["maria"], members=["alex"])
    maria = (await api.get("/users", params={"username": "maria"})).json()[0]
    assert (await api.put(f"/users/{maria['id']}", json={"teamLead": False})).status_code == 200
    changed = await api.put(f"/teams/{team['id']}", json={"members": ["alex", "zoe"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["leads"] == ["maria"]
    # Naming her as a lead again is refused.
    again = await api.put(f"/teams/{team['id']}", json={"leads": ["maria"]})
    assert _errors(again) == [(20040, "/leads/0")]


@pytest.mark.usefixtures("people")
async def test_unknown_and_repeated_users_are_refused_each_with_its_pointer(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(
        "/teams",
        json={"name": "S", "leads": ["nobody"], "members": ["alex", "ghost", "ALEX", "zoe"]},
    )
    assert sorted(_errors(response)) == [
        (10011, "/members/2"),
        (14040, "/leads/0"),
        (14040, "/members/1"),
    ]
    assert (await api.get("/teams")).json() == []


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"members": "alex"}, "/members"),
        ({"members": None}, "/members"),
        ({"members": [""]}, "/members/0"),
        ({"members": ["alex", 7]}, "/members/1"),
        ({"leads": [" "]}, "/leads/0"),
        ({"members": ["x"] * 1001}, "/members"),
    ],
)
async def test_a_list_of_usernames_must_be_a_list_of_names(
    api: httpx.AsyncClient, body: Json, pointer: str
) -> None:
    response = await api.post("/teams", json={"name": "S", **body})
    assert _errors(response) == [(10011, pointer)]


@pytest.mark.usefixtures("people")
async def test_a_list_sent_on_update_replaces_the_whole_list_and_one_left_out_stays(
    api: httpx.AsyncClient,
) -> None:
    team = await _team(api, leads=["maria"], members=["alex", "zoe"])
    path = f"/teams/{team['id']}"
    changed = (await api.put(path, json={"members": ["sam"]})).json()
    assert (changed["leads"], changed["members"]) == (["maria"], ["Sam"])
    changed = (await api.put(path, json={"leads": [], "name": "Helpdesk"})).json()
    assert (changed["name"], changed["leads"], changed["members"]) == ("Helpdesk", [], ["Sam"])
    assert _errors(await api.put(path, json={"leads": None})) == [(10011, "/leads")]


@pytest.mark.usefixtures("people")
async def test_an_update_naming_the_same_people_changes_nothing(api: httpx.AsyncClient) -> None:
    team = await _team(api, leads=["maria"], members=["alex"])
    same = await api.put(f"/teams/{team['id']}", json={"members": ["ALEX"], "leads": ["Maria"]})
    assert same.json() == team  # updatedAt too
    audit = (await api.get("/audit_log", params={"resource": "teams"})).json()
    assert [entry["action"] for entry in audit] == ["create"]


async def test_team_names_are_unique_among_live_teams_in_any_case(api: httpx.AsyncClient) -> None:
    first = await _team(api)
    assert_error(await api.post("/teams", json={"name": "SUPPORT"}), 409, 20030, pointer="/name")
    other = await api.post("/teams", json={"name": "Sales"})
    renamed = await api.put(f"/teams/{other.json()['id']}", json={"name": "support "})
    assert_error(renamed, 409, 20030, pointer="/name")
    # A team may change its own name's case; a deleted team's name is free.
    assert (await api.put(f"/teams/{first['id']}", json={"name": "SUPPORT"})).status_code == 200
    assert (await api.delete(f"/teams/{first['id']}")).status_code == 200
    assert (await api.post("/teams", json={"name": "Support"})).status_code == 201


async def test_a_deleted_team_answers_its_own_not_found_codes(api: httpx.AsyncClient) -> None:
    team = await _team(api)
    deleted = await api.delete(f"/teams/{team['id']}")
    assert deleted.json()["deleted"] is True
    assert_error(await api.get(f"/teams/{team['id']}"), 404, 20020)
    assert_error(await api.get("/teams/987654321"), 404, 20010)


@pytest.mark.usefixtures("people")
async def test_a_deleted_user_drops_out_of_the_teams_and_their_change_feed(
    api: httpx.AsyncClient,
) -> None:
    team = await _team(api, leads=["maria"], members=["alex", "zoe"])
    alex = (await api.get("/users", params={"username": "alex"})).json()[0]
    assert (await api.delete(f"/users/{alex['id']}")).status_code == 200
    now = (await api.get(f"/teams/{team['id']}")).json()
    assert now["members"] == ["zoe"]
    # A sync client that has the team learns that its answer changed.
    assert now["updatedAt"] >= alex["updatedAt"] and now["updatedAt"] > team["updatedAt"]
    feed = await api.get("/teams", params={"updatedSince": now["updatedAt"]})
    assert [t["id"] for t in feed.json()] == [team["id"]]
    # A new user of the same name is somebody else: not in the team.
    await _user(api, "alex")
    assert (await api.get(f"/teams/{team['id']}")).json()["members"] == ["zoe"]
    assert (await api.get("/teams", params={"username": "alex"})).json() == []


@pytest.mark.usefixtures("people")
async def test_the_username_filter_finds_the_teams_a_user_leads_or_belongs_to(
    api: httpx.AsyncClient,
) -> None:
    led = await _team(api, leads=["maria"], members=["alex"])
    await _user(api, "alexander")
    joined = await _team(api, name="Sales", members=["maria", "alexander"])
    await api.post("/teams", json={"name": "Ops", "members": ["zoe"]})

    async def ids(**params: str) -> list[int]:
        return [t["id"] for t in (await api.get("/teams", params=params)).json()]

    assert await ids(username="MARIA") == [led["id"], joined["id"]]
    assert await ids(username="alex") == [led["id"]]
    assert await ids(username="ale") == []  # a whole username, never a substring
    assert await ids(username="nobody") == []
    assert await ids(username="maria", name="sal") == [joined["id"]]


async def test_the_name_filter_is_a_case_insensitive_substring(api: httpx.AsyncClient) -> None:
    for name in ("Support", "Sales", "100%_Ops"):
        await _team(api, name=name)

    async def names(text: str) -> list[str]:
        return [t["name"] for t in (await api.get("/teams", params={"name": text})).json()]

    assert await names("S") == ["Support", "Sales", "100%_Ops"]
    assert await names("PORT") == ["Support"]
    assert await names("%_") == ["100%_Ops"]
    assert await names("_") == ["100%_Ops"]
