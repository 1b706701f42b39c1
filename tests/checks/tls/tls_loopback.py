"""Real TLS servers on loopback with certificates made at test time (a private CA and its leaves)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

NOW = datetime.now(UTC)
SERVERNAME = "www.broker.example.tw"


@dataclass
class Pki:
    directory: Path
    ca_key: rsa.RSAPrivateKey
    ca_cert: x509.Certificate

    @property
    def ca_file(self) -> str:
        return str(self.directory / "ca.pem")

    def leaf(
        self,
        name: str,
        *,
        dns: tuple[str, ...] = (SERVERNAME,),
        bits: int = 2048,
        not_before: datetime = NOW - timedelta(days=10),
        not_after: datetime = NOW + timedelta(days=200),
        hash_algorithm: hashes.HashAlgorithm | None = None,
    ) -> tuple[str, str]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns[0])]))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
            .sign(self.ca_key, hash_algorithm or hashes.SHA256())
        )
        cert_path = self.directory / f"{name}.pem"
        key_path = self.directory / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return str(cert_path), str(key_path)

    def sha1_leaf(self, name: str) -> tuple[str, str]:
        """A leaf signed with SHA-1. `cryptography` 44+ refuses to sign with SHA-1, so the openssl tool does."""
        cert_path, key_path = self.leaf(name)
        ca_key = self.directory / "ca.key"
        ca_key.write_bytes(
            self.ca_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        csr = self.directory / f"{name}.csr"
        ext = self.directory / f"{name}.ext"
        ext.write_text(f"subjectAltName=DNS:{SERVERNAME}\n")
        openssl = shutil.which("openssl") or pytest.skip("openssl tool not installed")
        subprocess.run(
            [openssl, "req", "-new", "-key", key_path, "-subj", f"/CN={SERVERNAME}", "-out", str(csr)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [openssl, "x509", "-req", "-in", str(csr), "-CA", self.ca_file, "-CAkey", str(ca_key),
             "-set_serial", "4242", "-days", "200", "-sha1", "-extfile", str(ext), "-out", cert_path],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cert_path, key_path


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zhengan test root CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (directory / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Pki(directory, key, cert)


class TlsServer:
    """Accepts TLS handshakes on 127.0.0.1 in a thread until stopped."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
            except (ssl.SSLError, OSError):
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()


def server_context(
    cert: tuple[str, str], *, ciphers: str = "ECDHE+AESGCM:ECDHE+CHACHA20", legacy: bool = False
) -> ssl.SSLContext:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        # Legacy protocols and weak keys/signatures need security level 0 on this OpenSSL 3 build.
        context.set_ciphers(ciphers + ":@SECLEVEL=0")
        if legacy:
            context.minimum_version = ssl.TLSVersion.TLSv1
        else:
            context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(*cert)
    return context


@pytest.fixture
def serve() -> Iterator:
    servers: list[TlsServer] = []

    def start(context: ssl.SSLContext) -> int:
        server = TlsServer(context)
        servers.append(server)
        return server.port

    yield start
    for server in servers:
        server.stop()
