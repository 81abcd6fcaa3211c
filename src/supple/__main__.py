"""Allow ``python -m supple`` to behave exactly like the ``supple`` console script."""

from supple.cli.main import main

if __name__ == "__main__":
    main()
