"""The error summary at the top of a refused form, one line per field, for every form.

A message names its field already when it starts with the field's label ("Prénom : champ
obligatoire.", "Téléphone invalide : …"): the line then links that label in place, and the label is
not said twice ("Prénom : Prénom : champ obligatoire."). A message that does not name its field is
put after the label ("Demande 2 : Le lot 7 est retiré de la vente."). A field whose label the page
does not give links the whole message; the form's own error ("form") links nothing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

FORM = "form"


@dataclass(frozen=True)
class SummaryLine:
    anchor: str | None      # the field's input id, "f-<name>"; None for the whole form's error
    link: str               # the linked text: the label, or the message when there is no label
    rest: str               # what follows the link


def _names_label(message: str, label: str) -> bool:
    if not message.startswith(label):
        return False
    after = message[len(label):len(label) + 1]
    return after in ("", " ", ":", ",", ".")


def summary_lines(errors: Mapping[str, str], labels: Mapping[str, str] | None = None) -> list[SummaryLine]:
    lines = []
    for name, message in errors.items():
        if name == FORM:
            lines.append(SummaryLine(None, "", message))
            continue
        label = (labels or {}).get(name, "").strip()
        anchor = f"f-{name}"
        if not label:
            lines.append(SummaryLine(anchor, message, ""))
        elif _names_label(message, label):
            lines.append(SummaryLine(anchor, label, message[len(label):]))
        else:
            lines.append(SummaryLine(anchor, label, f" : {message}"))
    return lines
