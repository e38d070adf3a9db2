"""The login throttle's and the limits' counting, on a fake clock and on the store the app uses on each
backend (memory on SQLite, the shared table on PostgreSQL); the bid limits are also tested with the
online socket, the registration's with its burst test."""
import pytest

from auction.services.rate_limits import limit_store
from auction.web.ratelimit import BidLimits, LoginThrottle, RegistrationLimits, address_key, email_tag

FREE = LoginThrottle.FREE_ATTEMPTS
SECRET = b"test-secret"


@pytest.fixture
def now():
    return [1_780_000_000.0]


@pytest.fixture
async def store(db):
    store = limit_store(db, own=False)
    yield store
    await store.close()


@pytest.fixture
def throttle(store, now):
    return LoginThrottle(store, SECRET, clock=lambda: now[0])


async def fail(throttle, times, email="lea@exemple.fr", address="198.51.100.7"):
    """`times` attempts that do not succeed; what each got."""
    return [await throttle.attempt(email, address) for _ in range(times)]


async def test_an_email_is_paused_after_its_free_attempts_then_for_longer_and_longer(throttle, now):
    assert await fail(throttle, FREE) == [None] * FREE
    refused = await throttle.attempt("lea@exemple.fr", "198.51.100.7")
    assert refused.reason == "account" and refused.retry_after == LoginThrottle.FIRST_PAUSE
    assert refused.minutes == 1
    now[0] += LoginThrottle.FIRST_PAUSE - 1
    assert (await throttle.attempt("lea@exemple.fr", "198.51.100.7")).retry_after == pytest.approx(1)
    now[0] += 1                                   # the pause is over: one more try, then twice as long
    assert await throttle.attempt("lea@exemple.fr", "198.51.100.7") is None
    assert (await throttle.attempt("lea@exemple.fr", "198.51.100.7")).retry_after == 2 * LoginThrottle.FIRST_PAUSE
    pauses = [throttle.pause_after(FREE + n) for n in range(10)]
    assert pauses == sorted(pauses) and pauses[-1] == LoginThrottle.LONGEST_PAUSE
    assert throttle.pause_after(FREE - 1) == 0


async def test_the_email_counts_whatever_its_case_or_spaces_and_whether_or_not_it_exists(throttle):
    await fail(throttle, FREE - 1, email="Lea@Exemple.fr")
    await fail(throttle, 1, email="  lea@exemple.FR ")
    assert (await throttle.attempt("lea@exemple.fr", "198.51.100.7")).reason == "account"
    assert await fail(throttle, FREE, email="personne@exemple.fr") == [None] * FREE   # unknown: the same count
    assert (await throttle.attempt("personne@exemple.fr", "198.51.100.7")).reason == "account"


async def test_a_paused_email_does_not_pause_another_one_nor_another_address(throttle):
    await fail(throttle, FREE + 1)
    assert await throttle.attempt("marc@exemple.fr", "198.51.100.7") is None
    assert (await throttle.attempt("lea@exemple.fr", "203.0.113.9")).reason == "account"   # the account, from anywhere


async def test_a_success_wipes_the_count_of_its_email(throttle):
    await fail(throttle, FREE - 1)
    assert await throttle.attempt("lea@exemple.fr", "198.51.100.7") is None      # the fifth: its password was right
    await throttle.succeeded("lea@exemple.fr", "198.51.100.7")
    assert await fail(throttle, FREE) == [None] * FREE


async def test_attempts_in_flight_count_before_their_passwords_are_checked(throttle):
    """Parallel attempts: none has failed yet when the next arrives, and still only FREE get through."""
    results = await fail(throttle, FREE + 3)
    assert results[:FREE] == [None] * FREE and all(r is not None for r in results[FREE:])


async def test_an_address_has_a_wider_budget_shared_by_its_emails(throttle, now):
    capacity, rate = LoginThrottle.ADDRESS
    results = [await throttle.attempt(f"u{n}@exemple.fr", "198.51.100.7") for n in range(capacity + 1)]
    assert results[:capacity] == [None] * capacity
    assert results[capacity].reason == "address" and results[capacity].retry_after == pytest.approx(1 / rate)
    assert await throttle.attempt("autre@exemple.fr", "203.0.113.9") is None       # another address
    now[0] += 1 / rate
    assert await throttle.attempt("u99@exemple.fr", "198.51.100.7") is None
    # A successful login gives its token back: an office's morning logins never run the budget out.
    for _ in range(capacity * 2):
        assert await throttle.attempt("clerc@exemple.fr", "192.0.2.1") is None
        await throttle.succeeded("clerc@exemple.fr", "192.0.2.1")


async def test_a_paused_email_spends_nothing_of_its_address(throttle):
    capacity, _ = LoginThrottle.ADDRESS
    await fail(throttle, FREE)
    assert all(r.reason == "account" for r in await fail(throttle, capacity))
    others = [await throttle.attempt(f"u{n}@exemple.fr", "198.51.100.7") for n in range(capacity - FREE)]
    assert others == [None] * (capacity - FREE)


def test_ipv6_addresses_count_by_their_64_network():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.7") == address_key("198.51.100.7") == "198.51.100.7"
    assert address_key(None) is None and address_key("testclient") == "testclient"


async def test_an_idle_count_is_forgotten(throttle, now):
    await fail(throttle, FREE - 1)
    now[0] += LoginThrottle.FORGET_AFTER + 1
    assert await fail(throttle, FREE) == [None] * FREE                  # started again
    assert (await throttle.attempt("lea@exemple.fr", "198.51.100.7")).reason == "account"


async def test_keys_are_keyed_hashes_of_what_they_count(store, throttle):
    await throttle.attempt("lea@exemple.fr", "198.51.100.7")
    key = throttle.key("login-email", "lea@exemple.fr")
    assert key.startswith("login-email:") and len(key) <= 64 and "lea" not in key
    assert LoginThrottle(store, b"other").key("login-email", "lea@exemple.fr") != key
    assert throttle.key("login-address", "198.51.100.7") != throttle.key("bid-address", "198.51.100.7")


async def test_bid_limits_per_paddle_then_per_address(store, now):
    limits = BidLimits(store, SECRET, clock=lambda: now[0])
    capacity, _ = BidLimits.ADDRESS
    refusals = [await limits.check(1, paddle, "198.51.100.7") for paddle in range(capacity + 1)]
    assert refusals[:capacity] == [None] * capacity and refusals[capacity] == "address"
    assert await limits.check(1, "x", "198.51.100.8") is None      # another address
    paddle, rate = BidLimits.PADDLE
    answers = [await limits.check(2, 7, f"192.0.2.{n}") for n in range(paddle + 1)]
    assert answers == [None] * paddle + ["paddle"]
    assert await limits.check(3, 7, "192.0.2.50") is None, "a paddle's budget is per sale"
    now[0] += 1 / rate
    assert await limits.check(2, 7, "192.0.2.60") is None


async def test_a_bid_refusal_is_remembered_until_its_bucket_refills(store, now):
    """A flood of refused bids does not ask the store again until a token is due."""
    limits = BidLimits(store, SECRET, clock=lambda: now[0])
    calls = []
    real = store.take

    async def counting(chain, at):
        calls.append(at)
        return await real(chain, at)
    store.take = counting
    paddle, rate = BidLimits.PADDLE
    answers = [await limits.check(1, 9, "192.0.2.1") for _ in range(paddle + 20)]
    assert answers == [None] * paddle + ["paddle"] * 20
    assert len(calls) == paddle + 1
    now[0] += 1 / rate
    assert await limits.check(1, 9, "192.0.2.1") is None and len(calls) == paddle + 2


async def test_registration_limits_address_then_email(store, now):
    limits = RegistrationLimits(store, SECRET, clock=lambda: now[0])
    allowed, rate = RegistrationLimits.EMAIL
    answers = [await limits.check(f"192.0.2.{n}", "Meme@exemple.fr") for n in range(allowed + 1)]
    assert answers[:allowed] == [None] * allowed and answers[allowed] == pytest.approx(1 / rate)
    assert await limits.check("192.0.2.99", "autre@exemple.fr") is None


def test_email_tags_are_keyed_and_stable():
    assert email_tag(b"k1", "Lea@exemple.fr ") == email_tag(b"k1", "lea@exemple.fr")
    assert email_tag(b"k1", "lea@exemple.fr") != email_tag(b"k2", "lea@exemple.fr")
    assert "lea" not in email_tag(b"k1", "lea@exemple.fr") and len(email_tag(b"k1", "x")) == 16
