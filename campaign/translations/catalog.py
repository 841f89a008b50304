"""Keep the Korean catalogue in step with the code.

    python -m campaign.translations.catalog check        # exit 1 if a string lacks Korean
    python -m campaign.translations.catalog add F.json   # extract, then add {"English": "한국어"}

``add`` re-extracts every translatable string from campaign/ and templates/, merges the
catalogue, fills in the given translations and reports what is still missing. It holds a file
lock, so two people (or scripts) adding at once do not overwrite each other.
"""

from __future__ import annotations

import fcntl
import json
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PO_FILE = HERE / "ko" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = {
    "campaign": [("**.py", "python")],
    "templates": [("**.html", "jinja2")],
}


def extract() -> Catalog:
    catalog = Catalog(locale=None)
    for folder, method_map in METHODS.items():
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=method_map, keywords=KEYWORDS
        ):
            catalog.add(message, locations=[(f"{folder}/{filename}", 0)])
    return catalog


def load() -> Catalog:
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="ko")


def missing(template: Catalog, translated: Catalog) -> list[str]:
    gaps = []
    for message in template:
        if not message.id:
            continue
        found = translated.get(message.id)
        if (
            found is None
            or not found.string
            or (isinstance(found.string, tuple) and not all(found.string))
        ):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def add(translations: dict[str, str]) -> list[str]:
    with (HERE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        template = extract()
        catalog = load()
        catalog.update(template, no_fuzzy_matching=True)
        for msgid, msgstr in translations.items():
            if msgid in catalog:
                catalog[msgid].string = msgstr
                catalog[msgid].flags.discard("fuzzy")
        buffer = BytesIO()
        write_po(
            buffer,
            catalog,
            omit_header=False,
            sort_output=True,
            no_location=True,
            ignore_obsolete=True,
            width=100,
        )
        PO_FILE.write_bytes(buffer.getvalue())
        return missing(template, catalog)


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        gaps = missing(extract(), load())
    elif len(argv) == 2 and argv[0] == "add":
        gaps = add(json.loads(Path(argv[1]).read_text(encoding="utf-8")))
    else:
        print(__doc__)
        return 2
    for gap in gaps:
        print(f"missing Korean: {gap!r}")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
