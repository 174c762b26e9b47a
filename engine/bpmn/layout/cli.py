"""The command line: `python scripts/bpmn_layout.py FILE.bpmn [--in-place | -o OUT]`; exit 2 on input it
cannot lay out."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from engine.bpmn.layout.model import LayoutError
from engine.bpmn.layout.write import layout_document


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder so a failure never leaves a truncated definition."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; exit 2 for input that cannot be laid out."""
    parser = argparse.ArgumentParser(description="Generate bpmndi diagram information for a BPMN process.")
    parser.add_argument("file", type=Path, help="BPMN 2.0 file to lay out")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--in-place", action="store_true", help="rewrite FILE")
    target.add_argument("-o", "--output", type=Path, help="write the result here (default: stdout)")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        result, warnings = layout_document(data)
    except LayoutError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"warning: {args.file}: {warning}", file=sys.stderr)
    if args.in_place:
        _write_atomically(args.file, result)
    elif args.output is not None:
        _write_atomically(args.output, result)
    else:
        sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
