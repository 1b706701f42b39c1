"""Load a scanner's JSON file, refusing it with the file and line named when it is not valid JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zhengan.checks.scans.model import ScanFormatError


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ScanFormatError(
            f"{path}:{error.lineno}:{error.colno}: JSON 格式錯誤：{error.msg} / malformed JSON: {error.msg}"
        ) from error
    except UnicodeDecodeError as error:
        raise ScanFormatError(f"{path}: 不是 UTF-8 文字 / not UTF-8 text: {error}") from error
