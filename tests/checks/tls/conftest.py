"""Fixtures of the TLS tests: a private CA (`pki`) and real loopback servers (`serve`)."""

from tests.checks.tls.tls_loopback import pki, serve

__all__ = ["pki", "serve"]
