"""Fill translations into a .po file: ``python tools/po_fill.py PO_FILE < mapping.json``.

The JSON maps msgid to msgstr. Matching entries get the msgstr and lose their ``fuzzy`` flag; the
script then lists the msgids still untranslated or fuzzy, so a developer sees what is left.
"""

import json
import re
import sys


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(path: str, mapping: dict[str, str]) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        blocks = handle.read().split("\n\n")
    missing = []
    for index, block in enumerate(blocks):
        match = re.search(r'^msgid ((?:".*"\n?)+)^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if not match or block.startswith('msgid ""\nmsgstr ""\n"Project'):
            continue
        msgid = _unquote([line for line in match.group(1).split("\n") if line])
        msgstr = _unquote([line for line in match.group(2).split("\n") if line])
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        if msgid in mapping:
            head = block[: match.start()]
            head = re.sub(r"^#, fuzzy\n", "", head, flags=re.M).replace(", fuzzy", "")
            head = re.sub(r"^#\| .*\n", "", head, flags=re.M)
            blocks[index] = f"{head}msgid {_quote(msgid)}\nmsgstr {_quote(mapping[msgid])}"
        elif not msgstr or fuzzy:
            missing.append(msgid)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(blocks))
    return missing


if __name__ == "__main__":
    left = fill(sys.argv[1], json.load(sys.stdin))
    for msgid in left:
        print(f"untranslated: {msgid!r}")
