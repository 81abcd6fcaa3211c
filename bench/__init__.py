"""Budget scripts: each prints its figures (never a timed test)."""
