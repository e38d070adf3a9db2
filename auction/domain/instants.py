"""Moments as the evidence files print them: UTC and Europe/Paris, to the millisecond."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utc_text(moment: datetime) -> str:
    """`2026-11-21T13:05:07.123Z`: UTC to the millisecond."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def paris_text(moment: datetime) -> str:
    """`21/11/2026 14:05:07,123 (UTC+01:00)`: Europe/Paris to the millisecond, with its offset."""
    local = moment.astimezone(PARIS)
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M:%S},{local.microsecond // 1000:03d} (UTC{offset[:3]}:{offset[3:]})"
