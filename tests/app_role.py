"""An app role for a test's PostgreSQL schema: made with ``supple clinic grant-app-role``'s
store function, with a name of its own per use, and dropped afterwards.

The tests otherwise connect as ``postgres``, a superuser, whom row-level security never holds;
a clinic served through this role is held by it like the real app. ``SUPPLE_TEST_APP_ROLE=1``
serves every ``clinic_world`` this way, and ``bench/clinic_scale.py`` times its budgets
through one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from supple.store import app_role
from supple.store.database import Store, open_store


def role_url(owner_url: str, role: str) -> str:
    """``owner_url`` (a schema's, with its search_path option) signing in as ``role``."""
    url = sa.engine.make_url(Store(owner_url).url).set(username=role, password=None)
    return url.render_as_string(hide_password=False)


@contextmanager
def app_role_url(owner_url: str) -> Iterator[str]:
    """The schema at ``owner_url`` migrated as its owner, and the URL of a fresh app role."""
    role = f"supple_app_{uuid.uuid4().hex[:10]}"
    owner = open_store(owner_url)
    try:
        app_role.grant(owner, role)
        yield role_url(owner_url, role)
    finally:
        with owner.engine.connect() as conn:
            # Sessions of the role still open (a pool a test left) would block the drop.
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"
                ),
                {"r": role},
            )
            conn.commit()
        with owner.engine.begin() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        owner.dispose()
