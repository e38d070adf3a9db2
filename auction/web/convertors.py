"""The path convertor for ids: `{sale_id}` in a route matches ASCII digits whose value fits the
database's integer columns (0 to 2**31 - 1) and reaches the endpoint as an
int. Anything else (`²`, `١٢`, `-1`, `2147483648`, a NUL byte) matches no route: a 404.

`access.page()` and `access.socket()` give every path parameter this convertor unless the route
names another one (`{token:str}`)."""
from __future__ import annotations

import re

from starlette.convertors import Convertor, register_url_convertor

from auction.models.limits import INT_MAX


def at_most(limit: int) -> str:
    """A regular expression matching the decimal numbers from 0 to `limit` (leading zeros allowed)."""
    digits = str(limit)
    shorter = f"0*[0-9]{{1,{len(digits) - 1}}}" if len(digits) > 1 else ""
    same = []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same.append(f"{digits[:i]}[0-{int(digit) - 1}]{tail}")
    same.append(digits)
    return "|".join(filter(None, [shorter, *same]))


class IdConvertor(Convertor[int]):
    regex = f"(?:{at_most(INT_MAX)})"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        if not 0 <= value <= INT_MAX:
            raise ValueError(f"id out of range: {value}")
        return str(value)


register_url_convertor("id", IdConvertor())

PARAMETER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def with_ids(path: str) -> str:
    """`path` with `{name}` written `{name:id}` (a parameter naming its convertor is left alone)."""
    return PARAMETER.sub(r"{\1:id}", path)
