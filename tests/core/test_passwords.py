from __future__ import annotations

import importlib

from django.contrib.auth.hashers import Argon2PasswordHasher


def test_production_settings_hash_passwords_with_argon2() -> None:
    real = importlib.import_module("servicehub.settings")
    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("s3cret-enough", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("s3cret-enough", encoded) and not hasher.verify("other", encoded)
