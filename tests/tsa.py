"""A real RFC 3161 time-stamping authority for tests: `openssl ts -reply` behind a tiny HTTP server.

`local_tsa(tmp)` makes a test CA and a TSA certificate (P-256 keys; extendedKeyUsage critical timeStamping) with
the openssl binary, and serves `application/timestamp-query` on 127.0.0.1 in a thread; every request
is answered by running `openssl ts -reply` on it. Nothing is mocked: the tokens are what OpenSSL makes.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


P256 = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


@dataclass(frozen=True)
class LocalTsa:
    url: str
    ca_file: str
    requests: list[bytes]


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_authority(folder: Path) -> Path:
    """A CA and a TSA certificate it issued, in `folder`; returns the openssl config for `ts -reply`."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "tsa.cnf"
    config.write_text(CONFIG.format(dir=folder), encoding="utf-8")
    (folder / "serial").write_text("01\n", encoding="ascii")
    _openssl("req", "-x509", *P256, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
             "-subj", "/CN=DecisionFlow Test TSA Root", "-config", str(config), "-extensions", "ca_ext", cwd=folder)
    _openssl("req", "-new", *P256, "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=DecisionFlow Test TSA", "-config", str(config), cwd=folder)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "tsa.crt", "-days", "3650", "-extfile", str(config), "-extensions", "tsa_ext", cwd=folder)
    return config


@contextlib.contextmanager
def local_tsa(folder: Path, broken: bool = False, answer: bytes | None = None) -> Iterator[LocalTsa]:
    """Serve the TSA on a free port; `broken` answers every request with HTTP 500 (a TSA that is down),
    `answer` with these bytes and HTTP 200 (a TSA that answers nonsense). The authority in `folder` is
    made once and reused."""
    config = folder / "tsa.cnf" if (folder / "tsa.crt").exists() else make_authority(folder)
    seen: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.append(query)
            if broken or self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(500)
                return
            reply = answer if answer is not None else subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(config), "-queryfile", "/dev/stdin"],
                input=query, capture_output=True, check=True).stdout
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalTsa(f"http://127.0.0.1:{server.server_address[1]}/tsa", str(folder / "ca.crt"), seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
