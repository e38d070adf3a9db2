"""The error summary every form shows: each field once, linked, never its label twice."""
from auction.web.error_summary import SummaryLine, summary_lines
from auction.web.templates import templates


def test_a_message_naming_its_field_links_the_label_in_place():
    labels = {"first_name": "Prénom", "phone": "Téléphone", "request_lot_2": "Demande 2"}
    lines = summary_lines({"first_name": "Prénom : champ obligatoire.",
                           "phone": "Téléphone invalide : de 6 à 15 chiffres.",
                           "request_lot_2": "Le lot 7 est retiré de la vente.",
                           "form": "Trop de demandes.",
                           "unlabelled": "Journal : champ obligatoire."}, labels)
    assert lines == [SummaryLine("f-first_name", "Prénom", " : champ obligatoire."),
                     SummaryLine("f-phone", "Téléphone", " invalide : de 6 à 15 chiffres."),
                     SummaryLine("f-request_lot_2", "Demande 2", " : Le lot 7 est retiré de la vente."),
                     SummaryLine(None, "", "Trop de demandes."),
                     SummaryLine("f-unlabelled", "Journal : champ obligatoire.", "")]


def test_the_macro_says_each_label_once_with_or_without_labels():
    macro = templates.env.from_string('{% from "_macros.html" import error_summary %}'
                                      '{{ error_summary(errors, labels) }}')
    errors = {"first_name": "Prénom : champ obligatoire.", "form": "Rien ne va."}
    with_labels = macro.render(errors=errors, labels={"first_name": "Prénom"})
    assert '<a href="#f-first_name">Prénom</a> : champ obligatoire.' in with_labels
    assert "Prénom : Prénom" not in with_labels and "Le formulaire contient 2 erreurs." in with_labels
    without = macro.render(errors=errors, labels=None)
    assert '<a href="#f-first_name">Prénom : champ obligatoire.</a>' in without and "Rien ne va." in without
    assert macro.render(errors={}, labels=None).strip() == ""
