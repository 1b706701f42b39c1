"""Writes the secedit/GptTmpl samples as Windows does: UTF-16 LE with a BOM and CRLF line ends.

Run from tests/data/identity: python _src/make_inf.py. The .txt sources beside this script are the content.
"""

import codecs
from pathlib import Path

HERE = Path(__file__).parent
TARGETS = {
    "secedit-dc01-compliant.txt": Path("secedit/dc01-compliant.inf"),
    "secedit-fs02-weak.txt": Path("secedit/fs02-weak.inf"),
    "secedit-trade01-manual-unlock.txt": Path("secedit/trade01-manual-unlock.inf"),
    "gpo-default-domain-policy.txt": Path(
        "gpo/{31B2F340-016D-11D2-945F-00C04FB984F9}/MACHINE/Microsoft/Windows NT/SecEdit/GptTmpl.inf"
    ),
}
for source, target in TARGETS.items():
    text = (HERE / source).read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
