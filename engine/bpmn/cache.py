"""Compiled definitions cached per definition version: a completion never re-parses BPMN.

A version's BPMN and forms never change, so an entry is valid for the life of the
process and safe to drop; each worker process compiles a version once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from engine.bpmn.definition import CompiledDefinition, analyse

Loader = Callable[[int], tuple[bytes, dict[str, Any]]]


class DefinitionCache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[int, CompiledDefinition] = OrderedDict()
        self._lock = Lock()

    def get(self, definition_id: int, load: Loader) -> CompiledDefinition:
        with self._lock:
            compiled = self._entries.get(definition_id)
            if compiled is not None:
                self._entries.move_to_end(definition_id)
                return compiled
        bpmn, forms = load(definition_id)
        analysis = analyse(bpmn, forms, stored=True)
        if analysis.compiled is None:  # deployed definitions passed this check once
            raise RuntimeError(f"stored definition {definition_id} no longer compiles: {analysis.problems}")
        with self._lock:
            self._entries[definition_id] = analysis.compiled
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return analysis.compiled
