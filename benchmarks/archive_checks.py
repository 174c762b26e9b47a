"""What the archive's four checks and an RFC 3161 stamp cost (issue 23 items 3–5).

    python benchmarks/archive_checks.py ARCHIVE.zip     # an archive made by `decisionflow archive ID OUT.zip`

Prints the median of 20 runs of the offline verifier's first-mismatch check (`verify`) and of the full
four-checks report (`four_checks`) on that archive, and of 10 stamps from a local TSA (`openssl ts -reply`
behind HTTP on 127.0.0.1, tests/tsa.py), which is the least a stamp costs; a real TSA adds its network.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import archive_verify, timestamping
from tests.tsa import local_tsa


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(path: str) -> None:
    print(f"verify, first mismatch: {median_ms(lambda: archive_verify.verify(path), 20):.1f} ms")
    print(f"four_checks, full report: {median_ms(lambda: archive_verify.four_checks(path), 20):.1f} ms")
    with tempfile.TemporaryDirectory() as folder, local_tsa(Path(folder)) as tsa:
        cost = median_ms(lambda: timestamping.stamp(tsa.url, b"\x00" * 64), 10)
    print(f"RFC 3161 stamp from a local openssl ts TSA: {cost:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1])
