"""TLS endpoints: protocol versions, cipher suites and certificates (SR-8.1, SR-8.3, SR-8.4, CC17010-3.1,
CC17010-3.4, AP-4.5), probed live with `ssl` + `cryptography` or imported from testssl.sh JSON."""

from zhengan.checks.tls.check import check_endpoints, check_facts, check_testssl
from zhengan.checks.tls.model import EndpointFacts, TlsPolicy
from zhengan.checks.tls.probe import Target

__all__ = ["EndpointFacts", "Target", "TlsPolicy", "check_endpoints", "check_facts", "check_testssl"]
