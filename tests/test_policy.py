"""The permission policy as a table (timetrack.policy), without any route or database: what each
role reaches, and how a key's scopes narrow it. The routes' use of it is tested over the whole
OpenAPI document in tests/test_permissions_matrix.py."""

from __future__ import annotations

import itertools

import pytest

from timetrack import policy
from timetrack.policy import (
    ACTIONS,
    POLICY,
    SCOPES,
    Action,
    CredentialKind,
    Principal,
    Reach,
    Resource,
    Role,
    account_key_principal,
    role_of,
    scope_covers,
    unknown_scopes,
)

EVERY_RIGHT = [(resource, action) for resource in Resource for action in ACTIONS[resource]]


def person(
    role: Role, scopes: frozenset[str] | None = None, team: frozenset[int] = frozenset()
) -> Principal:
    kind = CredentialKind.SESSION if scopes is None else CredentialKind.PERSONAL_KEY
    return Principal(
        1, kind, role, user_id=7, username="alice", scopes=scopes, team_member_ids=team
    )


def test_the_account_key_reaches_every_record_of_every_resource() -> None:
    principal = account_key_principal(1)
    assert all(principal.reach(r, a) is Reach.ALL for r, a in EVERY_RIGHT)
    assert principal.user_ids(Resource.TIME_ENTRIES, Action.WRITE) is None


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", list(Role))
def test_a_scope_narrows_a_role_and_never_widens_it(role: Role, scope: str) -> None:
    unscoped, scoped = person(role), person(role, frozenset({scope}))
    for resource, action in EVERY_RIGHT:
        assert scoped.reach(resource, action) <= unscoped.reach(resource, action)


def test_the_admin_scope_gives_a_user_no_more_than_a_users_rights() -> None:
    user = person(Role.USER, frozenset({"admin"}))
    assert user.reach(Resource.AUDIT_LOG, Action.READ) is Reach.NONE
    assert user.reach(Resource.USERS, Action.WRITE) is Reach.NONE
    assert user.user_ids(Resource.TIME_ENTRIES, Action.READ) == frozenset({7})


def test_a_read_scope_opens_no_write_and_no_administration() -> None:
    admin = person(Role.ADMIN, frozenset({"read"}))
    assert admin.reach(Resource.PROJECTS, Action.READ) is Reach.ALL
    assert admin.reach(Resource.PROJECTS, Action.WRITE) is Reach.NONE
    assert admin.reach(Resource.AUDIT_LOG, Action.READ) is Reach.NONE
    assert admin.reach(Resource.API_KEYS, Action.READ) is Reach.NONE


def test_a_resource_scope_opens_its_resources_only_and_write_implies_read() -> None:
    key = person(Role.ADMIN, frozenset({"time_entries:write"}))
    assert key.may(Resource.TIME_ENTRIES, Action.READ)
    assert key.may(Resource.TIMER, Action.WRITE)
    assert not key.may(Resource.ATTENDANCES, Action.READ)
    assert not key.may(Resource.PROJECTS, Action.READ)
    reader = person(Role.ADMIN, frozenset({"absences:read"}))
    assert reader.may(Resource.LEAVE_BALANCE, Action.READ)
    assert not reader.may(Resource.ABSENCES, Action.WRITE)
    assert not reader.may(Resource.ABSENCES, Action.APPROVE)


def test_scopes_add_up() -> None:
    key = person(Role.USER, frozenset({"time_entries:read", "attendances:write"}))
    assert key.may(Resource.TIME_ENTRIES, Action.READ)
    assert not key.may(Resource.TIME_ENTRIES, Action.WRITE)
    assert key.may(Resource.ATTENDANCES, Action.WRITE)


def test_a_user_reaches_their_own_records_only() -> None:
    user = person(Role.USER, team=frozenset({8, 9}))
    assert user.user_ids(Resource.TIME_ENTRIES, Action.WRITE) == frozenset({7})
    assert user.user_ids(Resource.ABSENCES, Action.APPROVE) == frozenset()
    assert user.reach(Resource.AUDIT_LOG, Action.READ) is Reach.NONE
    assert user.reach(Resource.PROJECTS, Action.READ) is Reach.ALL
    assert user.reach(Resource.PROJECTS, Action.WRITE) is Reach.NONE


def test_a_team_lead_reaches_their_members_and_decides_their_leave() -> None:
    lead = person(Role.TEAM_LEAD, team=frozenset({8, 9}))
    assert lead.user_ids(Resource.TIME_ENTRIES, Action.READ) == frozenset({7, 8, 9})
    # Their members' leave, never their own.
    assert lead.user_ids(Resource.ABSENCES, Action.APPROVE) == frozenset({8, 9})
    assert lead.reach(Resource.USERS, Action.WRITE) is Reach.NONE


def test_an_external_user_sees_only_the_catalogue_they_are_assigned_to() -> None:
    external = person(Role.EXTERNAL)
    assert external.reach(Resource.PROJECTS, Action.READ) is Reach.OWN
    assert external.reach(Resource.CLIENTS, Action.READ) is Reach.OWN
    assert external.user_ids(Resource.TIME_ENTRIES, Action.WRITE) == frozenset({7})


def test_an_action_a_resource_lacks_is_out_of_everybodys_reach() -> None:
    for role in Role:
        assert person(role).reach(Resource.AUDIT_LOG, Action.WRITE) is Reach.NONE
        assert person(role).reach(Resource.WORK_REPORTS, Action.APPROVE) is Reach.NONE


@pytest.mark.parametrize(
    ("admin", "team_lead", "external", "role"),
    [
        (True, True, True, Role.ADMIN),
        (False, True, True, Role.TEAM_LEAD),
        (False, False, True, Role.EXTERNAL),
        (False, False, False, Role.USER),
    ],
)
def test_the_role_follows_the_vendors_flags_admin_first(
    admin: bool, team_lead: bool, external: bool, role: Role
) -> None:
    assert role_of(admin=admin, team_lead=team_lead, external=external) is role


def test_every_scope_opens_something_and_unknown_ones_are_named() -> None:
    for scope in SCOPES:
        assert any(scope_covers(scope, r, a) for r, a in EVERY_RIGHT), scope
    assert unknown_scopes(frozenset({"read", "time_entries:delete", "root"})) == [
        "root",
        "time_entries:delete",
    ]


def test_the_policy_names_every_role_and_resource() -> None:
    assert set(POLICY) == set(Role)
    for role, resource in itertools.product(Role, Resource):
        assert set(POLICY[role][resource]) == set(Action)


def test_a_rule_no_service_honours_is_named() -> None:
    """``own`` tasks or absence types would silently be all of them: the module refuses such a
    table when it loads (``dishonoured``)."""
    assert policy.dishonoured(POLICY) == []
    wrong = {Role.USER: {Resource.TASKS: {Action.READ: Reach.OWN}}}
    assert policy.dishonoured(wrong) == ["user tasks read OWN"]
    right = {Role.USER: {Resource.PROJECTS: {Action.READ: Reach.OWN}}}
    assert policy.dishonoured(right) == []
