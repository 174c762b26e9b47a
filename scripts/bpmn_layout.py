#!/usr/bin/env python3
"""Generate the BPMN diagram interchange of a process definition: `engine.bpmn.layout` does the work.

Usage::

    python scripts/bpmn_layout.py FILE.bpmn              # laid-out document on stdout
    python scripts/bpmn_layout.py FILE.bpmn --in-place   # rewrite FILE.bpmn
    python scripts/bpmn_layout.py FILE.bpmn -o OUT.bpmn

Exit status 2 for input that cannot be laid out faithfully (see `engine/bpmn/layout/__init__.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from engine.bpmn.layout import main

if __name__ == "__main__":
    sys.exit(main())
