"""System checks: the security policy may be configured stricter than the rules, never weaker; the keys
encrypting fields at rest are usable."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

# name -> (the rule's limit, "max" if the value may not exceed it / "min" if it may not go below, clause)
LIMITS = {
    "LOCKOUT_THRESHOLD": (5, "max", "SR-6.5"),
    "LOCKOUT_MINUTES": (15, "min", "SR-6.5"),
    "PASSWORD_MIN_LENGTH": (12, "min", "SR-6.7"),
    "PASSWORD_MIN_CLASSES": (3, "min", "SR-6.7"),
    "PASSWORD_MAX_AGE_DAYS": (90, "max", "SR-6.7"),
    "PASSWORD_MIN_AGE_DAYS": (1, "min", "SR-6.7"),
    "PASSWORD_HISTORY": (3, "min", "SR-6.7"),
}


@register("security")
def policy_not_weaker(app_configs, **kwargs):
    errors = []
    policy = settings.ZHENGAN_POLICY
    for name, (limit, direction, clause) in LIMITS.items():
        value = policy[name]
        weaker = value > limit if direction == "max" else value < limit
        if weaker:
            bound = "至多" if direction == "max" else "至少"
            errors.append(
                Error(
                    f"ZHENGAN_{name}={value} 弱於規範（{clause}：{bound} {limit}） / "
                    f"ZHENGAN_{name}={value} is weaker than {clause} allows ({direction} {limit})",
                    id=f"zhengan.E{list(LIMITS).index(name) + 1:03d}",
                )
            )
    if policy["IDLE_MINUTES"] < 1:
        errors.append(Error("ZHENGAN_IDLE_MINUTES 須為正數 / must be positive (SR-3.5)", id="zhengan.E100"))
    return errors


@register("security")
def field_keys_usable(app_configs, **kwargs):
    from zhengan.web import fieldcrypt

    try:
        fieldcrypt.fernets()
    except fieldcrypt.FieldEncryptionError as error:
        return [Error(str(error), id="zhengan.E101")]
    return []
