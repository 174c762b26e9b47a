"""The sm suite's costs beside intl's: hashing events, signing and verifying a seal (docs/benchmarks.md).

`python -m benchmarks.crypto`: events hashed per second with SHA-256 and SM3 (through engine/chain.py),
one SM2 signature through `openssl pkeyutl` against one Ed25519 signature, and one SM2 verification in
the offline verifier's pure Python, each the median of a few runs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from engine import chain
from engine.crypto_suite import GENESES, sm2_verify_hex
from engine.signing import KeyRing

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def _median(action, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    payload = {"data": {"summary": "县城公交线网优化调整方案", "basis_count": 3}, "by": {"user": "zhang_wei"}}
    for alg in ("sha256", "sm3"):
        seconds = _median(lambda alg=alg: [chain.event_hash(1, n, NOW, "zhang_wei", "task_completed", "t",
                                                            payload, GENESES[alg]) for n in range(10_000)])
        print(f"{alg}: {10_000 / seconds:,.0f} events hashed per second")
    with tempfile.TemporaryDirectory() as folder:
        ring = KeyRing(Path(folder))
        message = b"x" * 200_000  # about a manifest's size
        for suite in ("intl", "sm"):
            key, private = ring.current(NOW, suite)
            print(f"{key.algorithm}: sign a 200 kB manifest {_median(lambda p=private: p.sign(message)) * 1000:.1f} ms")
        key, private = ring.current(NOW, "sm")
        signature = private.sign(message)
        seconds = _median(lambda: sm2_verify_hex(key.public_key, message, signature))
        print(f"SM2 verify in pure Python: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
