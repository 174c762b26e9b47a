"""The readable record of a procedure in an archive: HTML, and PDF through WeasyPrint.

Chinese, as the law's records are kept: each step, who did it and when, what it
decided, and every document with its SHA-256. Only values from the history are used
(no "now"), so the same procedure always renders to the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.clock import CST

TEMPLATES = Path(__file__).resolve().parent / "templates"
KINDS_ZH = {"procedure_started": "程序启动", "task_completed": "环节办结", "task_claimed": "环节签收",
            "timer_fired": "法定期限届满", "procedure_withdrawn": "程序撤回", "reminder_sent": "督办通知",
            "opinion_received": "收到公众意见", "opinion_hidden": "公众意见被隐去",
            "adoption_published": "公布意见采纳情况",
            "procedure_migrated": "迁移至新版本流程定义"}
STATUS_ZH = {"running": "办理中", "completed": "已办结", "withdrawn": "已撤回"}


def render_html(context: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["local"] = lambda moment: moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") if moment else ""
    return env.get_template("archive_record.html").render(kinds=KINDS_ZH, statuses=STATUS_ZH, **context)


def render_pdf(html: str) -> bytes:
    """The same record as PDF; WeasyPrint needs Pango and a CJK font (scripts/test.sh installs them)."""
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def rows(schema: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for each field, labelled from the step's form: titles, enum labels, 是/否."""
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    result = []
    for key, value in data.items():
        prop = props.get(key, {})
        result.append((str(prop.get("title", key)), _text(prop, value)))
    return result


def _text(prop: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict) and "sha256" in value:
        return f"{value.get('filename', '')}（SHA-256 {value['sha256']}）"
    if isinstance(value, list):
        items = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        if items.get("type") == "object":
            sub = items.get("properties", {})
            return "；".join("，".join(f"{sub.get(k, {}).get('title', k)}：{_text(sub.get(k, {}), v)}"
                                      for k, v in row.items()) for row in value if isinstance(row, dict))
        return "、".join(_text(items, v) for v in value)
    labels = prop.get("x-labels", {})
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    return str(value)
