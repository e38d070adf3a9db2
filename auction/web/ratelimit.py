"""Rate limits: online bids per paddle and per client address; login attempts per account e-mail and
per client address; public registrations per client address and per e-mail, and the confirmation
e-mails an address causes.

The counts live where auction.services.rate_limits keeps them: in PostgreSQL when it is the
database, so that all the server processes share one budget per client, in memory on SQLite. Each
count's key is its kind and a keyed hash (the app's secret key) of what it counts: no e-mail or
client address is kept in clear. Good enough to stop a stuck key or a script from flooding the
room or the clerk's queue, or to slow password guessing down to a few tries an hour; not an
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

from auction.domain.rate_limits import Bucket, Pauses
from auction.services.rate_limits import LimitStore
from auction.services.rate_limits_memory import MemoryStore

Clock = Callable[[], float]


class _Limits:
    """A policy's store, key and clock (seconds since the epoch: shared between processes)."""

    def __init__(self, store: LimitStore | None = None, secret: bytes = b"", clock: Clock = time.time):
        self.store = store if store is not None else MemoryStore()
        self.secret = secret
        self.clock = clock

    def key(self, kind: str, value: str) -> str:
        digest = hmac.new(self.secret, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{kind}:{digest}"


class BidLimits(_Limits):
    """The two limits an online bid passes: its paddle's, then its address's.

    A refusal is remembered here until its bucket has a token again: no other process can refill
    a bucket sooner (only time does), so the next bids of a flood are refused without asking the
    database. A bid refused that way takes nothing from the buckets before the one that refused.
    """

    # A bidder taps at most a few times in a row; a household or an office shares one address.
    PADDLE = (5, 1.0)       # 5 at once, then one per second
    ADDRESS = (20, 5.0)     # 20 at once, then five per second
    REMEMBERED = 10_000     # refusals remembered at most

    def __init__(self, store: LimitStore | None = None, secret: bytes = b"", clock: Clock = time.time):
        super().__init__(store, secret, clock)
        self.empty_until: dict[str, float] = {}

    def _chain(self, sale_id: int, paddle_key: Hashable, address: str | None) -> list[Bucket]:
        chain = [Bucket(self.key("bid-paddle", f"{sale_id}:{paddle_key}"), *self.PADDLE)]
        address = address_key(address)
        if address is not None:
            chain.append(Bucket(self.key("bid-address", address), *self.ADDRESS))
        return chain

    def remembered(self, sale_id: int, paddle_key: Hashable, address: str | None) -> str | None:
        """Which limit refused this paddle or address and has no token yet, without asking the store
        (never awaits: a flood of refused bids does not queue on the room's lock)."""
        now = self.clock()
        for name, bucket in zip(("paddle", "address"), self._chain(sale_id, paddle_key, address)):
            if self.empty_until.get(bucket.key, 0.0) > now:
                return name
        return None

    async def check(self, sale_id: int, paddle_key: Hashable, address: str | None) -> str | None:
        """None when the bid may go on, else which limit refused it ("paddle" or "address")."""
        remembered = self.remembered(sale_id, paddle_key, address)
        if remembered is not None:
            return remembered
        now = self.clock()
        chain = self._chain(sale_id, paddle_key, address)
        names = ("paddle", "address")
        refused = await self.store.take(chain, now)
        if refused is None:
            return None
        if len(self.empty_until) >= self.REMEMBERED:
            self.empty_until = {k: t for k, t in self.empty_until.items() if t > now}
            if len(self.empty_until) >= self.REMEMBERED:
                self.empty_until.clear()
        self.empty_until[chain[refused.index].key] = now + refused.wait
        return names[refused.index]


class RegistrationLimits(_Limits):
    """The public registration form: what one client address and one e-mail may post, and the
    confirmation e-mails an address may cause, per hour (a resend asked from the form counts there
    too, and is limited per e-mail). Each post keeps an identity scan (up to 10 MB), queues a
    registration for the clerk and sends an e-mail: a script must not do it hundreds of times."""

    ADDRESS = (10, 10 / 3600)    # 10 registrations at once, then 10 an hour (an office, a family)
    EMAIL = (3, 3 / 3600)        # 3 for one e-mail, then 3 an hour (a typo corrected, another sale)
    MAILS = (10, 10 / 3600)      # confirmation e-mails caused from one address, per hour
    RESENDS = (2, 2 / 3600)      # the registrant asking again for one e-mail's confirmation

    async def check(self, address: str | None, email: str) -> float | None:
        """None when this address may post a registration for this e-mail (a token is taken from
        the address's budget, then the e-mail's); else the seconds to wait."""
        chain = []
        address = address_key(address)
        if address is not None:
            chain.append(Bucket(self.key("reg-address", address), *self.ADDRESS))
        email = normalise_login(email)
        if email:
            chain.append(Bucket(self.key("reg-email", email), *self.EMAIL))
        refused = await self.store.take(chain, self.clock())
        return None if refused is None else refused.wait

    async def check_resend(self, email: str, address: str | None) -> float | None:
        """None when this e-mail's confirmation may be sent again from this address: a token is taken
        from the e-mail's resends, then from the address's hourly e-mails; else the seconds to wait."""
        chain = []
        email = normalise_login(email)
        if email:
            chain.append(Bucket(self.key("reg-resend", email), *self.RESENDS))
        address = address_key(address)
        if address is not None:
            chain.append(Bucket(self.key("reg-mails", address), *self.MAILS))
        refused = await self.store.take(chain, self.clock())
        return None if refused is None else refused.wait

    async def may_mail(self, address: str | None) -> bool:
        """Take one confirmation e-mail from this address's hourly budget."""
        address = address_key(address)
        if address is None:
            return True
        return await self.store.take([Bucket(self.key("reg-mails", address), *self.MAILS)], self.clock()) is None


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


@dataclass(frozen=True)
class LoginRefused:
    """An attempt turned away before its password is checked: which limit, and for how long."""

    reason: str             # "account" or "address"
    retry_after: float      # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


class LoginThrottle(_Limits):
    """The brakes on password guessing at the login: per account e-mail and per client address.

    An e-mail gets FREE_ATTEMPTS attempts in a row; then it is paused, FIRST_PAUSE seconds at first,
    twice as long after each further failure, up to LONGEST_PAUSE. An address gets a wider token
    bucket shared by all the e-mails tried from it (an office or a phone network shares one address).
    Every attempt counts as a failure until it succeeds, so that parallel attempts cannot slip past
    while their passwords are being checked; a success wipes its e-mail's count and gives its address
    its token back, as does an attempt refused for its e-mail's pause. Unknown e-mails count exactly
    like accounts: the answer says nothing of which exist.
    """

    FREE_ATTEMPTS = 5
    FIRST_PAUSE = 60.0
    LONGEST_PAUSE = 15 * 60.0
    FORGET_AFTER = 24 * 3600.0     # a count left alone this long starts again
    ADDRESS = (30, 1 / 30)         # 30 attempts at once, then one every 30 seconds

    @property
    def pauses(self) -> Pauses:
        return Pauses(self.FREE_ATTEMPTS, self.FIRST_PAUSE, self.LONGEST_PAUSE, self.FORGET_AFTER)

    def pause_after(self, failures: int) -> float:
        """How long an e-mail is paused once it has `failures` failures in a row (0: not paused)."""
        return self.pauses.pause_after(failures)

    def _address(self, address: str | None) -> Bucket | None:
        address = address_key(address)
        return None if address is None else Bucket(self.key("login-address", address), *self.ADDRESS)

    def _email(self, email: str) -> str:
        return self.key("login-email", normalise_login(email))

    async def attempt(self, email: str, address: str | None) -> LoginRefused | None:
        """Count one login attempt; None when its password may be checked, else why not."""
        now = self.clock()
        bucket = self._address(address)
        if bucket is not None:
            refused = await self.store.take([bucket], now)
            if refused is not None:
                return LoginRefused("address", refused.wait)
        paused = await self.store.fail(self._email(email), self.pauses, now)
        if paused:
            if bucket is not None:      # turned away for the e-mail: the address's budget is not spent
                await self.store.give_back(bucket, now)
            return LoginRefused("account", paused)
        return None

    async def succeeded(self, email: str, address: str | None) -> None:
        """The attempt was a successful login: its e-mail starts afresh, its address gets its token back."""
        await self.store.forget(self._email(email))
        bucket = self._address(address)
        if bucket is not None:
            await self.store.give_back(bucket, self.clock())
