"""The public surface of ``supple.services`` and ``supple.web`` is declared in ``__all__`` and
nothing public is left out of it (httpx's habit): a name moves in or out on purpose."""

from __future__ import annotations

import types

import pytest

import supple.services
import supple.web


@pytest.mark.parametrize("package", [supple.services, supple.web], ids=lambda p: p.__name__)
def test_all_lists_every_public_name_sorted(package: types.ModuleType) -> None:
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_")
        and name != "annotations"  # `from __future__ import annotations`
        and not isinstance(value, types.ModuleType)
    }
    assert sorted(package.__all__) == sorted(public)
    assert package.__all__ == sorted(package.__all__, key=lambda n: (not n.isupper(), n))


@pytest.mark.parametrize("package", [supple.services, supple.web], ids=lambda p: p.__name__)
def test_every_exported_name_exists(package: types.ModuleType) -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []


def test_the_web_exports_the_app_factory_and_its_settings() -> None:
    assert supple.web.__all__ == ["WebSettings", "create_app"]
