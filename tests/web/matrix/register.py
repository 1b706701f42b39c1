from __future__ import annotations

POST_ONLY: set[str] = {
    "register:override",
    "register:incident",
    "register:decommission",
    "register:device_group",
    "register:device_group_delete",
    "register:sample_redraw",
}


def url_kwargs(make_user, user) -> dict[str, dict]:
    from zhengan.web.register.models import DeviceGroup, DeviceSample, InformationSystem

    system, _ = InformationSystem.objects.get_or_create(name="matrix system", defaults={"owner": "資訊部"})
    group = DeviceGroup.objects.create(system=system, kind="server", count=3)
    sample = DeviceSample.objects.create(
        system=system,
        list_filename="devices.csv",
        list_sha256="0" * 64,
        identifier_column="hostname",
        device_count=3,
        minimum=1,
        reading="either",
        size=1,
        seed="7",
        devices=["srv-1"],
    )
    kwargs = {
        name: {"pk": system.pk}
        for name in (
            "register:detail",
            "register:edit",
            "register:override",
            "register:incident",
            "register:decommission",
            "register:device_group",
            "register:sample_draw",
        )
    }
    kwargs["register:device_group_delete"] = {"pk": group.pk}
    for name in ("register:sample", "register:sample_redraw", "register:sample_csv"):
        kwargs[name] = {"pk": sample.pk}
    return kwargs
