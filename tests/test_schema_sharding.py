"""The schema can be distributed by account (Citus) unchanged.

An account-sharded PostgreSQL such as Citus places each row on a node by one column, the
*distribution column*; here ``account_id``. It can then enforce a primary key, a unique
constraint or a foreign key on a shard only when the constraint includes that column (and, for
a foreign key between two distributed tables, when it matches the distribution column of one
to that of the other). This module asserts the property that makes the schema fit, over every
table, so a new table or index that breaks it fails here:

- every table except ``accounts`` has a NOT NULL ``account_id`` of the same type as
  ``accounts.id`` (co-located tables need distribution columns of one type);
- every primary key, unique constraint and unique index leads with ``account_id``;
- every non-unique index (the hot indexes: every query is scoped by account) leads with it too;
- every foreign key between account-owned tables pairs ``account_id`` with the referred
  table's ``account_id``; a foreign key to ``accounts`` is ``account_id -> accounts.id`` and
  nothing else.

``accounts`` is the distribution key's own table. Its primary key is ``id``, and it also has
account-wide unique columns (``slug``, ``api_key``: the credential check finds the account by
its key before it knows the account id). Citus could not distribute it by ``id`` with those
constraints, so under Citus it is a *reference table*, copied to every node; a foreign key
from a distributed table to a reference table is allowed. It must therefore refer to no
account-owned table (a reference table cannot refer to a distributed one). See
docs/deployment.md.

The check runs on the SQLAlchemy models and on the schema the migrations actually build, on
SQLite and on PostgreSQL, so models and migrations cannot drift apart on it. Tests with tiny
schemas that each break one rule show that the check catches each kind of violation.

Nothing here runs against a real Citus cluster.
"""

from __future__ import annotations

import pytest
from conftest import Backend
from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    pool,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import create_async_engine

from timetrack.models import Base

ACCOUNTS = "accounts"
ACCOUNT_ID = "account_id"
# Alembic's bookkeeping, present only in a migrated database: under Citus it stays a plain
# local table on the coordinator, where migrations run.
NOT_ACCOUNT_DATA = frozenset({"alembic_version"})


def _postgresql() -> Dialect:
    """PostgreSQL's dialect, whose type names the distribution key must match."""
    # SQLAlchemy's dialect classes have untyped constructors.
    return postgresql.dialect()  # type: ignore[no-untyped-call]


def _columns(names: list[str]) -> str:
    return "(" + ", ".join(names) + ")"


def distribution_problems(metadata: MetaData, *, dialect: Dialect | None = None) -> list[str]:
    """Every way ``metadata`` keeps a table from being distributed by ``account_id``.

    ``dialect``: when given, also check that every ``account_id`` has the type of
    ``accounts.id`` in it (PostgreSQL; SQLite's INTEGER/BIGINT difference does not matter).
    """
    problems: list[str] = []
    tables = {name: t for name, t in metadata.tables.items() if name not in NOT_ACCOUNT_DATA}
    accounts = tables.get(ACCOUNTS)
    if accounts is None:
        return [f"there is no {ACCOUNTS} table"]

    pk = [c.name for c in accounts.primary_key.columns]
    if pk != ["id"]:
        problems.append(f"{ACCOUNTS}: primary key is {_columns(pk)}, not (id)")
    for fk in accounts.foreign_key_constraints:
        problems.append(
            f"{ACCOUNTS}: foreign key {fk.name} refers to {fk.referred_table.name}; a reference "
            "table cannot refer to a distributed one"
        )
    key_type = None
    if dialect is not None and "id" in accounts.c:
        key_type = str(accounts.c.id.type.compile(dialect=dialect))

    for name in sorted(tables):
        if name == ACCOUNTS:
            continue
        table = tables[name]
        column = table.c.get(ACCOUNT_ID)
        if column is None:
            problems.append(f"{name}: has no {ACCOUNT_ID} column")
            continue
        if column.nullable:
            problems.append(f"{name}: {ACCOUNT_ID} is nullable")
        if key_type is not None:
            own_type = str(column.type.compile(dialect=dialect))
            if own_type != key_type:
                problems.append(
                    f"{name}: {ACCOUNT_ID} is {own_type}, but {ACCOUNTS}.id is {key_type}"
                )

        pk = [c.name for c in table.primary_key.columns]
        if not pk:
            # Citus moves shards by logical replication, which needs a replica identity.
            problems.append(f"{name}: has no primary key")
        elif pk[0] != ACCOUNT_ID:
            problems.append(
                f"{name}: primary key {table.primary_key.name} {_columns(pk)} does not lead "
                f"with {ACCOUNT_ID}"
            )

        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                cols = [c.name for c in constraint.columns]
                if not cols or cols[0] != ACCOUNT_ID:
                    problems.append(
                        f"{name}: unique constraint {constraint.name} {_columns(cols)} does not "
                        f"lead with {ACCOUNT_ID}"
                    )

        for index in table.indexes:
            first = index.expressions[0] if index.expressions else None
            if not (isinstance(first, Column) and first.name == ACCOUNT_ID):
                kind = "unique index" if index.unique else "index"
                keys = [str(getattr(e, "name", e)) for e in index.expressions]
                problems.append(
                    f"{name}: {kind} {index.name} {_columns(keys)} does not lead with {ACCOUNT_ID}"
                )

        for fk in table.foreign_key_constraints:
            pairs = [(e.parent.name, e.column.name) for e in fk.elements]
            target = fk.referred_table.name
            shown = (
                f"{_columns([p for p, _ in pairs])} -> {target}{_columns([r for _, r in pairs])}"
            )
            if target == ACCOUNTS:
                if pairs != [(ACCOUNT_ID, "id")]:
                    problems.append(
                        f"{name}: foreign key {fk.name} {shown}: a foreign key to {ACCOUNTS} "
                        f"must be ({ACCOUNT_ID}) -> {ACCOUNTS}(id)"
                    )
            elif target in NOT_ACCOUNT_DATA or (ACCOUNT_ID, ACCOUNT_ID) not in pairs:
                problems.append(
                    f"{name}: foreign key {fk.name} {shown} does not match {ACCOUNT_ID} to "
                    f"{target}.{ACCOUNT_ID}"
                )
    return problems


def _report(problems: list[str]) -> str:
    return "the schema cannot be distributed by account:\n  " + "\n  ".join(problems)


# --- the real schema --------------------------------------------------------------------------


def test_models_are_distributable_by_account() -> None:
    problems = distribution_problems(Base.metadata, dialect=_postgresql())
    assert not problems, _report(problems)


async def _reflect(url: str) -> MetaData:
    metadata = MetaData()
    if url.startswith("sqlite:"):
        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            with engine.connect() as conn:
                metadata.reflect(conn)
        finally:
            engine.dispose()
        return metadata
    async_engine = create_async_engine(
        "postgresql+asyncpg://" + url.split("://", 1)[1], poolclass=pool.NullPool
    )
    try:
        async with async_engine.connect() as conn:
            await conn.run_sync(metadata.reflect)
    finally:
        await async_engine.dispose()
    return metadata


async def test_migrated_schema_is_distributable_by_account(backend: Backend) -> None:
    """What the migrations build, read back from the database (the suite's migrated one)."""
    reflected = await _reflect(backend.url)
    in_database = set(reflected.tables) - NOT_ACCOUNT_DATA
    assert in_database == set(Base.metadata.tables), (
        f"tables only in the database: {sorted(in_database - set(Base.metadata.tables))}; "
        f"only in the models: {sorted(set(Base.metadata.tables) - in_database)}"
    )
    dialect = _postgresql() if backend.name == "postgresql" else None
    problems = distribution_problems(reflected, dialect=dialect)
    assert not problems, _report(problems)


def test_a_broken_copy_of_the_real_schema_is_caught() -> None:
    """The real tables, plus one index that does not lead with account_id."""
    copy = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    Index("ix_clients_name_key", copy.tables["clients"].c.name_key)
    assert distribution_problems(copy, dialect=_postgresql()) == [
        "clients: index ix_clients_name_key (name_key) does not lead with account_id"
    ]


# --- the check itself, on tiny schemas that each break one rule --------------------------------


def _tiny(**breakage: bool) -> MetaData:
    """accounts, parents and children, distributable as they stand; each flag breaks one rule."""
    md = MetaData()
    Table(
        ACCOUNTS,
        md,
        Column("id", BigInteger, primary_key=True),
        Column("slug", String(63), unique=True),
    )
    Table(
        "parents",
        md,
        Column(
            ACCOUNT_ID, Integer if breakage.get("int_account_id") else BigInteger, nullable=False
        ),
        Column("id", BigInteger, nullable=False),
        Column("name", String(255)),
        PrimaryKeyConstraint(ACCOUNT_ID, "id", name="pk_parents"),
        ForeignKeyConstraint([ACCOUNT_ID], ["accounts.id"], name="fk_parents_accounts"),
        UniqueConstraint(ACCOUNT_ID, "name", name="uq_parents_name"),
    )
    children = Table(
        "children",
        md,
        Column(ACCOUNT_ID, BigInteger, nullable=bool(breakage.get("nullable_account_id"))),
        Column("id", BigInteger, nullable=False),
        Column("parent_id", BigInteger),
        Column("owner_id", BigInteger),
        Column("name", String(255)),
        Column("at", BigInteger),
        ForeignKeyConstraint([ACCOUNT_ID], ["accounts.id"], name="fk_children_accounts"),
        Index("ix_children_at", ACCOUNT_ID, "at"),
        Index("uq_children_name", ACCOUNT_ID, "name", unique=True),
    )
    if not breakage.get("no_primary_key"):
        pk = ("id", ACCOUNT_ID) if breakage.get("pk_not_leading") else (ACCOUNT_ID, "id")
        children.append_constraint(PrimaryKeyConstraint(*pk, name="pk_children"))
    if breakage.get("fk_without_account"):
        fk = ForeignKeyConstraint(["parent_id"], ["parents.id"], name="fk_children_parent")
    elif breakage.get("fk_account_to_other_column"):
        fk = ForeignKeyConstraint(
            [ACCOUNT_ID, "parent_id"],
            ["parents.id", "parents.account_id"],
            name="fk_children_parent",
        )
    else:
        fk = ForeignKeyConstraint(
            [ACCOUNT_ID, "parent_id"],
            ["parents.account_id", "parents.id"],
            name="fk_children_parent",
        )
    children.append_constraint(fk)
    if breakage.get("fk_to_accounts_by_other_column"):
        children.append_constraint(
            ForeignKeyConstraint(["owner_id"], ["accounts.id"], name="fk_children_owner")
        )
    if breakage.get("unique_not_leading"):
        children.append_constraint(UniqueConstraint("name", ACCOUNT_ID, name="uq_children_pair"))
    if breakage.get("unique_index_without_account"):
        Index("uq_children_global_name", children.c.name, unique=True)
    if breakage.get("index_not_leading"):
        Index("ix_children_at_account", children.c.at, children.c.account_id)
    if breakage.get("no_account_id"):
        Table("globals", md, Column("id", BigInteger, primary_key=True))
    if breakage.get("accounts_refers_to_owned"):
        md.tables[ACCOUNTS].append_column(Column("main_parent_id", BigInteger))
        md.tables[ACCOUNTS].append_constraint(
            ForeignKeyConstraint(
                ["id", "main_parent_id"],
                ["parents.account_id", "parents.id"],
                name="fk_accounts_main_parent",
            )
        )
    return md


def test_the_tiny_schema_passes() -> None:
    assert distribution_problems(_tiny(), dialect=_postgresql()) == []


BREAKAGES: dict[str, str] = {
    "no_account_id": "globals: has no account_id column",
    "nullable_account_id": "children: account_id is nullable",
    "int_account_id": "parents: account_id is INTEGER, but accounts.id is BIGINT",
    "no_primary_key": "children: has no primary key",
    "pk_not_leading": "children: primary key pk_children (id, account_id) does not lead with",
    "unique_not_leading": "children: unique constraint uq_children_pair (name, account_id) does "
    "not lead with account_id",
    "unique_index_without_account": "children: unique index uq_children_global_name (name) "
    "does not lead with account_id",
    "index_not_leading": "children: index ix_children_at_account (at, account_id) does not lead "
    "with account_id",
    "fk_without_account": "children: foreign key fk_children_parent (parent_id) -> parents(id) "
    "does not match account_id to parents.account_id",
    "fk_account_to_other_column": "children: foreign key fk_children_parent (account_id, "
    "parent_id) -> parents(id, account_id) does not match account_id to parents.account_id",
    "fk_to_accounts_by_other_column": "children: foreign key fk_children_owner (owner_id) -> "
    "accounts(id): a foreign key to accounts must be (account_id) -> accounts(id)",
    "accounts_refers_to_owned": "accounts: foreign key fk_accounts_main_parent refers to parents",
}


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES.items(), ids=list(BREAKAGES))
def test_each_breakage_is_caught(breakage: str, expected: str) -> None:
    problems = distribution_problems(_tiny(**{breakage: True}), dialect=_postgresql())
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_the_type_check_needs_a_dialect() -> None:
    """SQLite's accounts.id is INTEGER (its only auto-increment type) and account_id BIGINT:
    the type rule is PostgreSQL's only."""
    assert distribution_problems(_tiny(int_account_id=True)) == []


def test_a_schema_without_accounts_is_refused() -> None:
    md = MetaData()
    Table("clients", md, Column(ACCOUNT_ID, BigInteger, primary_key=True))
    assert distribution_problems(md) == ["there is no accounts table"]
