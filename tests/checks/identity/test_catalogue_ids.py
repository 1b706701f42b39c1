"""Every control id the identity checks cite exists in the regulation catalogue."""

from __future__ import annotations

from pathlib import Path

from zhengan.catalog.loader import load_catalog
from zhengan.checks.identity import accounts, mfa, password_policy
from zhengan.checks.identity.thresholds import IdentityThresholds
from zhengan.checks.result import unknown_control_ids


def test_cited_ids_exist(data: Path, thresholds: IdentityThresholds) -> None:
    known = set(load_catalog().controls)
    both = ["securities", "futures"]
    policy_inputs = [
        data / "secedit/dc01-compliant.inf", data / "secedit/fs02-weak.inf", data / "gpo",
        data / "ad_json/domain-policy.json", data / "ad_json/fine-grained-policies.json",
        data / "linux/rhel9-trade01", data / "linux/ubuntu-jump02", data / "linux/loose-legacy01/faillock.conf",
    ]  # fmt: skip
    results = [
        password_policy.run(policy_inputs, both, thresholds, electronic_trading=True, foreign_standard="x"),
        accounts.run(
            [
                data / "accounts/zhengan/order-system.csv",
                data / "accounts/ad/corp-users.csv",
                data / "accounts/ldap/ldap-users.csv",
            ],
            data / "hr/roster.csv",
            both,
            thresholds,
            as_of=accounts.as_of_from("2026-06-30"),
        )[0],
        mfa.run(data / "mfa/securities-channels.yaml", both, True, thresholds),
        mfa.run(data / "mfa/securities-channels.yaml", ["futures"], False, thresholds),
    ]
    cited = set().union(*(r.control_ids() for r in results))
    assert {
        "SR-6.5",
        "SR-6.6",
        "SR-6.7",
        "FC-8.3.e",
        "SR-3.2",
        "SR-3.7",
        "FC-5.2",
        "CC17010-4",
        "CC17010-5.1",
    } <= cited
    for result in results:
        assert unknown_control_ids(result, known) == set()
