"""Accounts for the clinic server: passwords, opaque tokens, two-factor codes, recovery codes.
The use cases built on them live in the services (``clinic_accounts``, ``signin``).

An adapter like ``store`` and ``exports``: it wraps the libraries that do the cryptography
(pwdlib's Argon2, pyotp, segno, the standard library's ``secrets`` and ``hashlib``) and imports
nothing from the store, the services or the faces (an import-linter contract). Nothing here
stores or prints a secret in clear: a password, a sign-in id, an invite or API token, a
recovery code is shown once to the person it belongs to, and only its hash is kept. The one
exception is the TOTP seed, which the server must read back to check a code (see ``totp``).
"""
