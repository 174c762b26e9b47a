"""No product code calls SpiffWorkflow's skip/reset/force doors (DESIGN: "The doors").

SpiffWorkflow 3.2 lets these calls complete tasks out of order, rewind, or replace
data. The engine's only ways forward are `tasks.complete` and `timers.fire`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(
    r"\b(reset_from_task_id|reset_branch|run_all|run_next|run_task_from_id|complete_task_from_id|"
    r"_set_state|send_event|update_waiting_tasks|refresh_waiting_tasks|migrate_workflow|halt_on_manual)\b"
    r"|\.(cancel|catch|trigger|set_data)\s*\("
    r"|\btask\.state\s*=[^=]")


def product_files() -> list[Path]:
    return sorted(p for folder in ("engine", "webapp") for p in (ROOT / folder).rglob("*.py"))


def test_product_code_never_calls_skip_reset_or_force():
    offenders = []
    for path in product_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if FORBIDDEN.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_would_catch_a_forbidden_call():
    assert FORBIDDEN.search("workflow.reset_from_task_id(task.id)")
    assert FORBIDDEN.search("wf.run_all(halt_on_manual=False)")
    assert FORBIDDEN.search("task._set_state(TaskState.READY)")
    assert FORBIDDEN.search("workflow.cancel()")
    assert FORBIDDEN.search("task.state = TaskState.COMPLETED")
    assert FORBIDDEN.search("task.trigger(None)")
    assert not FORBIDDEN.search("if task.state == TaskState.READY:")
    assert not FORBIDDEN.search("procedure.state = serializer.dump(workflow)")


def test_engine_never_imports_flask():
    for path in (ROOT / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(flask|webapp)\b", text, re.M), path


IMPORTS_SPIFF = re.compile(r"^\s*(from|import)\s+SpiffWorkflow\b", re.M)
PARSES_XML = re.compile(r"\betree\.(XMLParser|fromstring|parse)\s*\(")


def test_df_layers_spiffworkflow_is_imported_only_inside_engine_bpmn():
    """Services get plain values and `runtime.Workflow`; the SpiffWorkflow API stays behind engine/bpmn/."""
    offenders = [str(p.relative_to(ROOT)) for p in product_files() + sorted((ROOT / "scripts").rglob("*.py"))
                 if IMPORTS_SPIFF.search(p.read_text(encoding="utf-8"))
                 and (ROOT / "engine" / "bpmn") not in p.parents]
    assert offenders == []


def test_df_layers_bpmn_xml_has_one_reader():
    """engine/bpmn/reader.py holds the one hardened XML parser (no entities, DTD or network)."""
    reader = ROOT / "engine" / "bpmn" / "reader.py"
    offenders = [str(p.relative_to(ROOT)) for p in product_files() + sorted((ROOT / "scripts").rglob("*.py"))
                 if p != reader and PARSES_XML.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert PARSES_XML.search(reader.read_text(encoding="utf-8"))
    assert IMPORTS_SPIFF.search("from SpiffWorkflow.task import Task")


def test_df_layers_the_web_layer_runs_no_sql():
    """The web layer only translates (issue 17): tables and queries are the engine's services'."""
    pattern = re.compile(r"^\s*(from|import)\s+(sqlalchemy(?!\.engine import make_url)|engine\.persistence\.tables)\b",
                         re.M)
    offenders = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "webapp").rglob("*.py"))
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert pattern.search("from sqlalchemy import func, select") and not pattern.search(
        "from sqlalchemy.engine import make_url")
