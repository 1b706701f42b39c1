from __future__ import annotations

POST_ONLY: set[str] = {
    "obligations:complete",
    "obligations:assign",
    "obligations:record_event",
    "obligations:feed_regenerate",
}


def url_kwargs(make_user, user) -> dict[str, dict]:
    from zhengan.web.obligations.services import ref_of

    ref = ref_of("SR-3.3")  # applies to the test firm (first-category securities), every half year
    return {
        name: {"ref": ref} for name in ("obligations:detail", "obligations:complete", "obligations:assign")
    }
