"""Rate limits: online bids per paddle and per client address; login attempts per account e-mail and
per client address.

In memory and per process: with several server processes each one counts its own clients (a
bidder connected to two processes gets twice the budget). Good enough to stop a stuck key or a
script from flooding the room, or to slow password guessing down to a few tries an hour; not an
accounting of who bid what (the bid log is).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """`capacity` actions at once, refilled at `rate` per second; per key."""

    def __init__(self, capacity: float, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000):
        self.capacity = capacity
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: dict[Hashable, _Bucket] = {}

    def _refill(self, bucket: _Bucket, now: float) -> None:
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now

    def allow(self, key: Hashable) -> bool:
        """Take one token for `key`; False (nothing taken) when its bucket is empty."""
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._forget_full(now)
            bucket = self.buckets[key] = _Bucket(self.capacity, now)
        self._refill(bucket, now)
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def wait(self, key: Hashable) -> float:
        """Seconds until `key` has a token again (0 when it has one now)."""
        bucket = self.buckets.get(key)
        if bucket is None:
            return 0.0
        self._refill(bucket, self.clock())
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def give_back(self, key: Hashable) -> None:
        """Return the token `allow` took for `key` (the action turned out not to count)."""
        bucket = self.buckets.get(key)
        if bucket is not None:
            self._refill(bucket, self.clock())
            bucket.tokens = min(self.capacity, bucket.tokens + 1)

    def _forget_full(self, now: float) -> None:
        """Drop the keys whose bucket has filled up again (they would start full anyway)."""
        for key, bucket in list(self.buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.capacity:
                del self.buckets[key]
        if len(self.buckets) >= self.max_keys:      # all busy: forget the oldest
            oldest = min(self.buckets, key=lambda k: self.buckets[k].updated)
            del self.buckets[oldest]


class BidLimits:
    """The two limits an online bid passes: its paddle's, then its address's."""

    # A bidder taps at most a few times in a row; a household or an office shares one address.
    PADDLE = (5, 1.0)       # 5 at once, then one per second
    ADDRESS = (20, 5.0)     # 20 at once, then five per second

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.paddles = TokenBucket(*self.PADDLE, clock=clock)
        self.addresses = TokenBucket(*self.ADDRESS, clock=clock)

    def check(self, sale_id: int, paddle_key: Hashable, address: str | None) -> str | None:
        """None when the bid may go on, else which limit refused it ("paddle" or "address")."""
        if not self.paddles.allow((sale_id, paddle_key)):
            return "paddle"
        if address and not self.addresses.allow(address):
            return "address"
        return None


class RegistrationLimits:
    """The public registration form: what one client address and one e-mail may post, and the
    confirmation e-mails an address may cause, per hour (a resend asked from the form counts there
    too, and is limited per e-mail). Each post keeps an identity scan (up to 10 MB), queues a
    registration for the clerk and sends an e-mail: a script must not do it hundreds of times."""

    ADDRESS = (10, 10 / 3600)    # 10 registrations at once, then 10 an hour (an office, a family)
    EMAIL = (3, 3 / 3600)        # 3 for one e-mail, then 3 an hour (a typo corrected, another sale)
    MAILS = (10, 10 / 3600)      # confirmation e-mails caused from one address, per hour
    RESENDS = (2, 2 / 3600)      # the registrant asking again for one e-mail's confirmation

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.addresses = TokenBucket(*self.ADDRESS, clock=clock)
        self.emails = TokenBucket(*self.EMAIL, clock=clock)
        self.mails = TokenBucket(*self.MAILS, clock=clock)
        self.resends = TokenBucket(*self.RESENDS, clock=clock)

    def check_address(self, address: str | None) -> float | None:
        """None when this address may post a registration; else the seconds to wait."""
        key = address_key(address)
        if key is None or self.addresses.allow(key):
            return None
        return self.addresses.wait(key)

    def check_email(self, email: str) -> float | None:
        key = normalise_login(email)
        if not key or self.emails.allow(key):
            return None
        return self.emails.wait(key)

    def check_resend(self, email: str) -> float | None:
        """None when this e-mail's confirmation may be asked for again; else the seconds to wait."""
        key = normalise_login(email)
        if not key or self.resends.allow(key):
            return None
        return self.resends.wait(key)

    def mail_wait(self, address: str | None) -> float:
        """Seconds until this address may cause a confirmation e-mail again."""
        key = address_key(address)
        return self.mails.wait(key) if key is not None else 0.0

    def may_mail(self, address: str | None) -> bool:
        """Take one confirmation e-mail from this address's hourly budget."""
        key = address_key(address)
        return key is None or self.mails.allow(key)


def address_key(host: str | None) -> str | None:
    """The key of a client address: itself for IPv4, its /64 network for IPv6 (one subscriber's
    share: counting each address of it apart would give one client billions of budgets)."""
    if not host:
        return None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def normalise_login(email: str) -> str:
    """The e-mail as the login looks it up (accounts.log_in): one account, one count."""
    return (email or "").strip().lower()


def email_tag(secret: bytes, email: str) -> str:
    """A short keyed hash of a login e-mail, for the logs: the same account gives the same tag, and
    the tag cannot be turned back into the address without the secret key."""
    return hmac.new(secret, normalise_login(email).encode(), hashlib.sha256).hexdigest()[:16]


@dataclass
class _Account:
    failures: int
    paused_until: float
    last: float


@dataclass(frozen=True)
class LoginRefused:
    """An attempt turned away before its password is checked: which limit, and for how long."""

    reason: str             # "account" or "address"
    retry_after: float      # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


class LoginThrottle:
    """The brakes on password guessing at the login: per account e-mail and per client address.

    An e-mail gets FREE_ATTEMPTS attempts in a row; then it is paused, FIRST_PAUSE seconds at first,
    twice as long after each further failure, up to LONGEST_PAUSE. An address gets a wider token
    bucket shared by all the e-mails tried from it (an office or a phone network shares one address).
    Every attempt counts as a failure until it succeeds, so that parallel attempts cannot slip past
    while their passwords are being checked; a success wipes its e-mail's count and gives its address
    its token back. Unknown e-mails count exactly like accounts: the answer says nothing of which
    exist. Keys are hashed: no e-mail is kept in memory.
    """

    FREE_ATTEMPTS = 5
    FIRST_PAUSE = 60.0
    LONGEST_PAUSE = 15 * 60.0
    FORGET_AFTER = 24 * 3600.0     # a count left alone this long starts again
    ADDRESS = (30, 1 / 30)         # 30 attempts at once, then one every 30 seconds

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self.clock = clock
        self.max_keys = max_keys
        self.accounts: dict[bytes, _Account] = {}
        self.addresses = TokenBucket(*self.ADDRESS, clock=clock, max_keys=max_keys)

    @staticmethod
    def _key(email: str) -> bytes:
        return hashlib.sha256(normalise_login(email).encode()).digest()

    def pause_after(self, failures: int) -> float:
        """How long an e-mail is paused once it has `failures` failures in a row (0: not paused)."""
        if failures < self.FREE_ATTEMPTS:
            return 0.0
        return min(self.LONGEST_PAUSE, self.FIRST_PAUSE * 2 ** min(failures - self.FREE_ATTEMPTS, 32))

    def attempt(self, email: str, address: str | None) -> LoginRefused | None:
        """Count one login attempt; None when its password may be checked, else why not."""
        now = self.clock()
        key = self._key(email)
        account = self.accounts.get(key)
        if account is not None and now - account.last > self.FORGET_AFTER:
            account = None
            del self.accounts[key]
        if account is not None and now < account.paused_until:
            return LoginRefused("account", account.paused_until - now)
        address = address_key(address)
        if address is not None and not self.addresses.allow(address):
            return LoginRefused("address", self.addresses.wait(address))
        if account is None:
            if len(self.accounts) >= self.max_keys:
                self._forget(now)
            account = self.accounts[key] = _Account(0, now, now)
        account.failures += 1
        account.last = now
        account.paused_until = now + self.pause_after(account.failures)
        return None

    def succeeded(self, email: str, address: str | None) -> None:
        """The attempt was a successful login: its e-mail starts afresh, its address gets its token back."""
        self.accounts.pop(self._key(email), None)
        address = address_key(address)
        if address is not None:
            self.addresses.give_back(address)

    def _forget(self, now: float) -> None:
        """Make room: drop the counts that pause nothing, then (all paused) the one paused longest ago."""
        for key, account in list(self.accounts.items()):
            if account.paused_until <= now or now - account.last > self.FORGET_AFTER:
                del self.accounts[key]
        if len(self.accounts) >= self.max_keys:
            oldest = min(self.accounts, key=lambda k: self.accounts[k].last)
            del self.accounts[oldest]
