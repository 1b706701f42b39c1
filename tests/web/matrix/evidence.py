from __future__ import annotations

import io
from datetime import date

POST_ONLY: set[str] = {"evidence:new_version"}


def url_kwargs(make_user, user) -> dict[str, dict]:
    from zhengan.web.evidence.services import add_evidence

    upload = io.BytesIO(b"matrix evidence")
    upload.name = "matrix.txt"
    item = add_evidence(
        upload, user=user, title="matrix", effective_on=date(2026, 1, 5), control_ids=["SR-3.3"]
    )
    return {
        name: {"pk": item.pk} for name in ("evidence:detail", "evidence:new_version", "evidence:download")
    }
