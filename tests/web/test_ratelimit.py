"""The login throttle's counting, on a fake clock (the bid limits are tested with the online socket)."""
import pytest

from auction.web.ratelimit import LoginThrottle, TokenBucket, address_key, email_tag

FREE = LoginThrottle.FREE_ATTEMPTS


@pytest.fixture
def now():
    return [1000.0]


@pytest.fixture
def throttle(now):
    return LoginThrottle(clock=lambda: now[0])


def fail(throttle, times, email="lea@exemple.fr", address="198.51.100.7"):
    """`times` attempts that do not succeed; what each got."""
    return [throttle.attempt(email, address) for _ in range(times)]


def test_an_email_is_paused_after_its_free_attempts_then_for_longer_and_longer(throttle, now):
    assert fail(throttle, FREE) == [None] * FREE
    refused = throttle.attempt("lea@exemple.fr", "198.51.100.7")
    assert refused.reason == "account" and refused.retry_after == LoginThrottle.FIRST_PAUSE
    assert refused.minutes == 1
    now[0] += LoginThrottle.FIRST_PAUSE - 1
    assert throttle.attempt("lea@exemple.fr", "198.51.100.7").retry_after == 1
    now[0] += 1                                   # the pause is over: one more try, then twice as long
    assert throttle.attempt("lea@exemple.fr", "198.51.100.7") is None
    assert throttle.attempt("lea@exemple.fr", "198.51.100.7").retry_after == 2 * LoginThrottle.FIRST_PAUSE
    pauses = [throttle.pause_after(FREE + n) for n in range(10)]
    assert pauses == sorted(pauses) and pauses[-1] == LoginThrottle.LONGEST_PAUSE
    assert throttle.pause_after(FREE - 1) == 0


def test_the_email_counts_whatever_its_case_or_spaces_and_whether_or_not_it_exists(throttle):
    fail(throttle, FREE - 1, email="Lea@Exemple.fr")
    fail(throttle, 1, email="  lea@exemple.FR ")
    assert throttle.attempt("lea@exemple.fr", "198.51.100.7").reason == "account"
    assert fail(throttle, FREE, email="personne@exemple.fr") == [None] * FREE     # unknown: the same count
    assert throttle.attempt("personne@exemple.fr", "198.51.100.7").reason == "account"
    assert all(len(key) == 32 for key in throttle.accounts), "e-mails are kept hashed"


def test_a_paused_email_does_not_pause_another_one_nor_another_address(throttle):
    fail(throttle, FREE + 1)
    assert throttle.attempt("marc@exemple.fr", "198.51.100.7") is None
    assert throttle.attempt("lea@exemple.fr", "203.0.113.9").reason == "account"   # the account, from anywhere


def test_a_success_wipes_the_count_of_its_email(throttle):
    fail(throttle, FREE - 1)
    assert throttle.attempt("lea@exemple.fr", "198.51.100.7") is None      # the fifth: its password was right
    throttle.succeeded("lea@exemple.fr", "198.51.100.7")
    assert fail(throttle, FREE) == [None] * FREE


def test_attempts_in_flight_count_before_their_passwords_are_checked(throttle):
    """Parallel attempts: none has failed yet when the next arrives, and still only FREE get through."""
    results = fail(throttle, FREE + 3)
    assert results[:FREE] == [None] * FREE and all(r is not None for r in results[FREE:])


def test_an_address_has_a_wider_budget_shared_by_its_emails(throttle, now):
    capacity, rate = LoginThrottle.ADDRESS
    results = [throttle.attempt(f"u{n}@exemple.fr", "198.51.100.7") for n in range(capacity + 1)]
    assert results[:capacity] == [None] * capacity
    assert results[capacity].reason == "address" and results[capacity].retry_after == pytest.approx(1 / rate)
    assert throttle.attempt("autre@exemple.fr", "203.0.113.9") is None       # another address
    now[0] += 1 / rate
    assert throttle.attempt("u99@exemple.fr", "198.51.100.7") is None
    # A successful login gives its token back: an office's morning logins never run the budget out.
    for _ in range(capacity * 2):
        assert throttle.attempt("clerc@exemple.fr", "192.0.2.1") is None
        throttle.succeeded("clerc@exemple.fr", "192.0.2.1")


def test_ipv6_addresses_count_by_their_64_network():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.7") == address_key("198.51.100.7") == "198.51.100.7"
    assert address_key(None) is None and address_key("testclient") == "testclient"


def test_an_idle_count_is_forgotten_and_memory_stays_bounded(now):
    throttle = LoginThrottle(clock=lambda: now[0], max_keys=4)
    fail(throttle, FREE - 1)
    now[0] += LoginThrottle.FORGET_AFTER + 1
    assert fail(throttle, FREE) == [None] * FREE                  # started again
    for n in range(10):
        throttle.attempt(f"u{n}@exemple.fr", f"192.0.2.{n}")
    assert len(throttle.accounts) <= 4
    assert throttle.attempt("lea@exemple.fr", "198.51.100.7").reason == "account", "the paused one is kept"


def test_token_bucket_wait_and_give_back(now):
    bucket = TokenBucket(2, 0.5, clock=lambda: now[0])
    assert bucket.wait("a") == 0
    assert bucket.allow("a") and bucket.allow("a") and not bucket.allow("a")
    assert bucket.wait("a") == 2.0
    bucket.give_back("a")
    assert bucket.wait("a") == 0 and bucket.allow("a")
    bucket.give_back("a")
    bucket.give_back("a")
    bucket.give_back("a")
    assert bucket.buckets["a"].tokens == 2, "never above capacity"


def test_email_tags_are_keyed_and_stable():
    assert email_tag(b"k1", "Lea@exemple.fr ") == email_tag(b"k1", "lea@exemple.fr")
    assert email_tag(b"k1", "lea@exemple.fr") != email_tag(b"k2", "lea@exemple.fr")
    assert "lea" not in email_tag(b"k1", "lea@exemple.fr") and len(email_tag(b"k1", "x")) == 16
