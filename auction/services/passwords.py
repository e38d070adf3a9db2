"""Argon2 password hashing, always run in a worker thread (about 150 ms a verify)."""
from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
# Verified against when the account does not exist, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("criee-timing-equaliser")


async def hash_password(password: str, hasher: PasswordHasher = _hasher) -> str:
    return await asyncio.to_thread(hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False
    return await asyncio.to_thread(verify)
