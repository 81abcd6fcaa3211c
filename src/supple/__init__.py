"""Supple: a coach for tight hips and lower-back pain.

The package is split into a pure ``core`` (no I/O, no framework imports) and adapters around
it: ``planfile`` (YAML in, validated model out), ``store`` (SQLAlchemy + Alembic), ``cli`` and,
later, ``web`` and ``exports``. ``services`` holds the use cases both faces call.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
