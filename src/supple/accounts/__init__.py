"""Accounts for the clinic server: passwords, opaque tokens, two-factor codes, recovery codes,
and the operators' use cases built on them (``operations``).

An adapter like ``store`` and ``exports``: it wraps the libraries that do the cryptography
(pwdlib's Argon2, pyotp, segno, the standard library's ``secrets`` and ``hashlib``) and imports
nothing from the web. Nothing here stores or prints a secret in clear: a password, a sign-in id,
an invite or API token, a recovery code is shown once to the person it belongs to, and only its
hash is kept. The one exception is the TOTP seed, which the server must read back to check a
code (see ``totp``).
"""
