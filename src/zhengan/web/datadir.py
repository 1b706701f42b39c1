"""Where the web application keeps its data: ./data unless ZHENGAN_DATA_DIR says otherwise.

The secret key never enters the repository: it comes from ZHENGAN_SECRET_KEY or is generated once
into the data directory, readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("ZHENGAN_DATA_DIR") or "data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    from_env = os.environ.get("ZHENGAN_SECRET_KEY")
    if from_env:
        return from_env
    path = directory / "secret_key"
    if not path.exists():
        # O_EXCL: two processes starting together must not overwrite each other's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text(encoding="ascii").strip()
