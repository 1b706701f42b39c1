"""Where the web application keeps its data: ./data unless ZHENGAN_DATA_DIR says otherwise.

No key enters the repository or the database. The secret key comes from ZHENGAN_SECRET_KEY, the keys that
encrypt fields at rest (fieldcrypt.py) from ZHENGAN_FIELD_KEYS; each is otherwise generated once into the
data directory, readable by its owner only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("ZHENGAN_DATA_DIR") or "data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _generated_once(path: Path, generate: Callable[[], str]) -> str:
    """The text of `path`, written first with `generate()` and mode 0600 if it does not exist yet.

    The key is written whole into a private temporary file, which is then hard-linked to `path`: the link
    appears atomically and fails if `path` exists, so two processes starting together both read the one
    key that was linked first, and neither can read a file still being written."""
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(generate())
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process linked its key first
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
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
