"""The TLS check: live probes and imported testssl.sh results, judged by the same analysis."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from zhengan.checks.result import CheckResult, InputFile
from zhengan.checks.tls.analysis import analyse
from zhengan.checks.tls.model import EndpointFacts, TlsPolicy
from zhengan.checks.tls.probe import Target, probe
from zhengan.checks.tls.testssl import read_testssl
from zhengan.text import Text
from zhengan.timeutil import utc_now

TITLE = Text(zh="TLS 端點檢查", en="TLS endpoint check")


def check_endpoints(
    targets: Iterable[Target],
    policy: TlsPolicy | None = None,
    now: datetime | None = None,
    timeout: float = 5.0,
    ca_file: str | None = None,
    on_endpoint: Callable[[Target], None] | None = None,
) -> CheckResult:
    """Probe each endpoint live and judge it."""
    policy = policy or TlsPolicy()
    targets = list(targets)
    result = CheckResult(
        check="tls",
        title=TITLE,
        parameters={
            "targets": [f"{t.servername}@{t.host}:{t.port}" for t in targets],
            "policy": policy.model_dump(),
            "ca_file": ca_file,
        },
    )
    for target in targets:
        facts = probe(target, timeout=timeout, ca_file=ca_file)
        result.observations.extend(analyse(facts, policy, now or utc_now()))
        if on_endpoint is not None:
            on_endpoint(target)
    return result.finish()


def check_facts(
    facts: Iterable[EndpointFacts], policy: TlsPolicy | None = None, now: datetime | None = None
) -> CheckResult:
    policy = policy or TlsPolicy()
    result = CheckResult(check="tls", title=TITLE, parameters={"policy": policy.model_dump()})
    for endpoint in facts:
        result.observations.extend(analyse(endpoint, policy, now or utc_now()))
    return result.finish()


def check_testssl(
    paths: Iterable[Path], policy: TlsPolicy | None = None, now: datetime | None = None
) -> CheckResult:
    """Import testssl.sh JSON results and judge them as if probed here.

    Certificate expiry is judged at `now` (default: the present), not at the scan time: the question is
    whether the certificate is still good.
    """
    policy = policy or TlsPolicy()
    result = CheckResult(check="tls.testssl", title=TITLE, parameters={"policy": policy.model_dump()})
    for path in paths:
        endpoints, errors = read_testssl(path)
        result.inputs.append(InputFile.of(path, format="testssl.sh-json"))
        result.errors.extend(errors)
        result.quarantined += len(errors)
        for endpoint in endpoints:
            result.observations.extend(analyse(endpoint, policy, now or utc_now()))
    return result.finish()
