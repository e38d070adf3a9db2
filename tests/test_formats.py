from datetime import date, datetime, timezone

from auction.formats import long_date, long_datetime, short_datetime, time_of_day


def test_times_are_shown_in_paris_time_across_daylight_saving():
    winter = datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc)
    summer = datetime(2026, 7, 4, 12, 0, tzinfo=timezone.utc)
    assert time_of_day(winter) == "14 h 00"
    assert time_of_day(summer) == "14 h 00"
    assert short_datetime(datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)) == "25/10/2026 02:30"
    assert short_datetime(datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)) == "25/10/2026 02:30"


def test_long_dates_in_french():
    assert long_date(date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert long_datetime(datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc)) == "samedi 12 décembre 2026 à 14 h 00"
    # a UTC evening late enough is the next day in Paris
    assert long_date(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)) == "vendredi 1er janvier 2027"


def test_an_iso_day_from_a_log_payload_is_shown_french_style():
    from auction.formats import long_date, short_date
    assert short_date("2026-11-30") == "30/11/2026"
    assert long_date("2026-12-01") == "mardi 1er décembre 2026"
