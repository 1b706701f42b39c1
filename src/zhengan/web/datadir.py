"""Where the web application keeps its data: ./data unless ZHENGAN_DATA_DIR says otherwise.

No key enters the repository or the database. The secret key comes from ZHENGAN_SECRET_KEY, the keys that
encrypt fields at rest (fieldcrypt.py) from ZHENGAN_FIELD_KEYS; each is otherwise generated once into the
data directory, readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("ZHENGAN_DATA_DIR") or "data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _generated_once(path: Path, generate: Callable[[], str]) -> str:
    """The text of `path`, written first with `generate()` and mode 0600 if it does not exist yet."""
    if not path.exists():
        # O_EXCL: two processes starting together must not overwrite each other's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="ascii")
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(generate())
    return path.read_text(encoding="ascii")


def secret_key(directory: Path) -> str:
    from_env = os.environ.get("ZHENGAN_SECRET_KEY")
    if from_env:
        return from_env
    return _generated_once(directory / "secret_key", lambda: secrets.token_urlsafe(64)).strip()


def field_keys(directory: Path) -> list[str]:
    """The Fernet keys of the encrypted fields, newest first: ZHENGAN_FIELD_KEYS (comma-separated), else
    the file `field_keys` of the data directory (one key a line, generated with one key if missing)."""
    from_env = os.environ.get("ZHENGAN_FIELD_KEYS")
    if from_env:
        return [key.strip() for key in from_env.split(",") if key.strip()]

    def generate() -> str:
        from cryptography.fernet import Fernet

        return Fernet.generate_key().decode("ascii") + "\n"

    text = _generated_once(directory / "field_keys", generate)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
