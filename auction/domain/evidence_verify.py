"""Checking an evidence file (its JSON) without the office's database: the chain segment recomputed
event by event, its head against the sealed heads it states, and its readable entries derived again
from the chain. `criee verify-evidence` runs it; docs/verify-evidence.md shows the chain check in a
few lines of other languages."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .bidlog import Event
from .evidence import FORMAT, LotRef, StaffRef, entries, in_scope

AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Problem:
    seq: int | None          # the event it is about (None: the file as a whole)
    reason: str              # in French


@dataclass(frozen=True)
class Verdict:
    problems: tuple[Problem, ...]
    events: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    sealed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def canonical_text(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _event(parsed: dict[str, Any], item: dict[str, Any]) -> Event:
    at = datetime.strptime(parsed["at"], AT_FORMAT).replace(tzinfo=timezone.utc)
    return Event(parsed["sale_id"], parsed["seq"], parsed["kind"], parsed["payload"], at, parsed["user_id"],
                 parsed["prev_hash"], item["hash"])


def verify_chain_items(items: list[Any], sale_id: Any) -> tuple[list[Problem], list[Event]]:
    """Each event of the segment: its hash is the SHA-256 of its canonical encoding, the encoding is
    canonical and names its seq and previous hash, and each previous hash is the hash before it."""
    problems: list[Problem] = []
    events: list[Event] = []
    previous: dict[str, Any] | None = None
    for index, item in enumerate(items):
        seq = item.get("seq") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("canonical"), str) or not isinstance(seq, int):
            problems.append(Problem(seq if isinstance(seq, int) else None,
                                    f"l'élément n° {index + 1} de la chaîne est incomplet"))
            previous = None
            continue
        canonical = item["canonical"]
        if hashlib.sha256(canonical.encode()).hexdigest() != item.get("hash"):
            problems.append(Problem(seq, "son empreinte n'est pas le SHA-256 de son encodage canonique : "
                                         "l'événement a été modifié"))
        try:
            parsed = json.loads(canonical)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or canonical_text(parsed) != canonical:
            problems.append(Problem(seq, "son encodage n'est pas l'encodage canonique d'un événement"))
            previous = item
            continue
        if parsed.get("seq") != seq or parsed.get("prev_hash") != item.get("prev_hash") \
                or parsed.get("sale_id") != sale_id:
            problems.append(Problem(seq, "son numéro, sa vente ou son empreinte précédente diffèrent de son "
                                         "encodage canonique"))
        if previous is not None:
            if seq != previous.get("seq", 0) + 1:
                problems.append(Problem(seq, f"la chaîne saute de l'événement {previous.get('seq')} à {seq}"))
            elif item.get("prev_hash") != previous.get("hash"):
                problems.append(Problem(seq, "son empreinte précédente n'est pas celle de l'événement "
                                             f"{previous.get('seq')} : un événement a été modifié ou retiré"))
        previous = item
        try:
            events.append(_event(parsed, item))
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(seq, "son encodage canonique est incomplet"))
    return problems, events


def _facts(document: dict[str, Any]) -> tuple[dict[int, LotRef], dict[int, StaffRef]]:
    lots = {int(key): LotRef(int(key), value["label"], value["title"])
            for key, value in (document.get("lots") or {}).items()}
    staff = {int(key): StaffRef(int(key), value["name"], value["role"])
             for key, value in (document.get("staff") or {}).items()}
    return lots, staff


def verify_entries(document: dict[str, Any], events: list[Event]) -> list[Problem]:
    """The readable entries, derived again from the chain, against those the file shows."""
    scope = document.get("scope") or {}
    first_session = document["chain"].get("first_session", 0)
    chosen = in_scope(events, scope.get("kind"), lot_id=scope.get("lot_id"), session=scope.get("session"),
                      first_session=first_session)
    lots, staff = _facts(document)
    derived = {e.seq: e.document() for e in entries(events, chosen, lots, staff, first_session)}
    shown = document.get("events")
    if not isinstance(shown, list):
        return [Problem(None, "le fichier n'a pas de liste d'événements lisibles")]
    problems = []
    seen = set()
    for entry in shown:
        seq = entry.get("seq") if isinstance(entry, dict) else None
        expected = derived.get(seq)
        if expected is None:
            problems.append(Problem(seq if isinstance(seq, int) else None,
                                    "l'événement lisible n'est pas un événement de la chaîne pour cette portée"))
            continue
        seen.add(seq)
        changed = sorted(k for k in set(expected) | set(entry) if expected.get(k) != entry.get(k))
        if changed:
            problems.append(Problem(seq, "l'événement lisible diffère de la chaîne (" + ", ".join(changed) + ")"))
    for seq in sorted(set(derived) - seen):
        problems.append(Problem(seq, "un événement de la chaîne manque parmi les événements lisibles"))
    return problems


def verify_document(document: Any) -> Verdict:
    """Everything an evidence file proves about itself, checked; each problem names its event."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return Verdict((Problem(None, f"ce n'est pas un dossier de preuve Criée (format {FORMAT})"),))
    chain = document.get("chain")
    items = chain.get("events") if isinstance(chain, dict) else None
    if not isinstance(items, list) or not items:
        return Verdict((Problem(None, "le dossier n'a pas de segment de chaîne"),))
    sale_id = (document.get("sale") or {}).get("id")
    problems, events = verify_chain_items(items, sale_id)
    last = items[-1] if isinstance(items[-1], dict) else {}
    head = document.get("head") or {}
    if head.get("seq") != last.get("seq") or head.get("hash") != last.get("hash"):
        problems.append(Problem(last.get("seq"), "la tête annoncée n'est pas le dernier événement de la chaîne"))
    by_seq = {item.get("seq"): item for item in items if isinstance(item, dict)}
    sealed = False
    for seal in document.get("sealed_heads") or []:
        item = by_seq.get(seal.get("head_seq"))
        if item is None or item.get("hash") != seal.get("head_hash"):
            problems.append(Problem(seal.get("head_seq"), f"l'événement ne correspond pas au sceau de la séance "
                                                          f"n° {seal.get('session')}"))
        elif item is last:
            sealed = True
    if head.get("sealed") and not sealed:
        problems.append(Problem(last.get("seq"), "la tête est dite scellée mais aucun sceau ne la nomme"))
    if len(events) == len(items):
        try:
            problems.extend(verify_entries(document, events))
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(Problem(None, "les événements lisibles ou les tables du dossier sont illisibles"))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return Verdict(tuple(problems), len(items), last.get("seq"), last.get("hash"), sealed)
