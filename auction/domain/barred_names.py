"""Whether a bidder's name may be that of a barred person (C. civ. 1596), for the officer to decide.

The barred list holds full names as the office typed them (`Me Claire LEFÈVRE`, `Jean-Pierre DE LA
TOUR`); a bidder gives first names and a last name. The same person is written many ways, and a
miss lets a barred person buy, so the comparison is deliberately generous — a match only flags the
registration; the officer clears a homonym in writing (services.barred_clearances):

- case, accents, hyphens and apostrophes do not count (`Lefèvre-Dupré` = `LEFEVRE DUPRE`);
- first names: one first name in common is enough, so a bidder with more first names than the
  entry (`Jean Pierre Marie` for `Pierre`) or fewer (`Pierre` for `Jean-Pierre`) still matches;
  an entry with no first name (a surname only) matches on the surname;
- last names: the bidder's last name is found in the entry as a run of words, written together or
  apart (`Delatour` = `de La Tour`), with or without its particle (`de`, `du`, `des`, `d'`, `la`,
  `le`: `Tour` = `de la Tour`, `Arc` = `d'Arc` = `Darc`, `Dupont` = `du Pont` = `Pont`); one part of a compound last name is
  enough either way (`Lefèvre` for `LEFÈVRE-DUPRÉ`, `Lefèvre-Dupré` for `LEFÈVRE`);
- titles (`Me`, `M.`, `Mme`, `Dr`…) in the entry are ignored.
"""
from __future__ import annotations

from .identity import fold_name

TITLES = frozenset({"me", "maitre", "m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "dr",
                    "docteur", "pr", "professeur"})
PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "les", "l"})
MIN_PART = 2      # a part of a compound name shorter than this (an initial) is not compared alone
MIN_GLUED = 3     # what is left of a name once a glued particle is taken off, at least


def words(text: str) -> list[str]:
    """Folded words of a name: `D'Arc-Lefèvre` → `['d', 'arc', 'lefevre']`."""
    return fold_name(text).split()


def _without_particles(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in PARTICLES]


def last_name_forms(last_name: str) -> set[str]:
    """The ways the bidder's last name may be written, each as its words run together."""
    tokens = words(last_name)
    forms = {"".join(tokens), "".join(_without_particles(tokens))}
    parts = _without_particles(tokens)
    if len(parts) > 1:                                  # a compound name: each part alone
        forms.update(part for part in parts if len(part) >= MIN_PART)
    return {form for form in forms if form}


def _runs(tokens: list[str]) -> dict[str, set[int]]:
    """Every run of consecutive words of the entry (not particles alone), run together with and without
    its particles, and the positions it covers."""
    runs: dict[str, set[int]] = {}
    for start in range(len(tokens)):
        for stop in range(start + 1, len(tokens) + 1):
            run = tokens[start:stop]
            if not _without_particles(run):
                continue
            covered = set(range(start, stop))
            for form in ("".join(run), "".join(_without_particles(run))):
                runs.setdefault(form, set()).update(covered)
    return runs


def _glued(form: str) -> set[str]:
    """A form with a particle glued to its front taken off (`darc` → `arc`, `dupont` → `pont`)."""
    return {form[len(p):] for p in PARTICLES if form.startswith(p) and len(form) - len(p) >= MIN_GLUED}


def _found(form: str, runs: dict[str, set[int]]) -> set[int] | None:
    """Where the entry has `form`, also when one side glued a particle the other left out."""
    if form in runs:
        return runs[form]
    for bare in _glued(form):
        if bare in runs:
            return runs[bare]
    for run, covered in runs.items():
        if form in _glued(run):
            return covered
    return None


def may_be(entry_name: str, first_names: str, last_name: str) -> bool:
    """True when the bidder (`first_names`, `last_name`) may be the person of the barred entry."""
    entry = [t for t in words(entry_name) if t not in TITLES]
    forms = last_name_forms(last_name)
    if not entry or not forms:
        return False
    runs = _runs(entry)
    given = set(_without_particles(words(first_names)))
    for form in forms:
        covered = _found(form, runs)
        if covered is None:
            continue
        rest = {t for i, t in enumerate(entry) if i not in covered and t not in PARTICLES}
        if not rest or given & rest:
            return True
    return False
