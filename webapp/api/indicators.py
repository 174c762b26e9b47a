"""/api/v1/indicators: the 法治指数 report over a period, by unit, from the chained history (DF-INDICATOR).

Open to auditors, the legality review office (justice bureau), the head of government and the decision
organ; the engine decides (engine/services/indicators.py), this module only translates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_smorest import Blueprint

from engine.workdays import local_date
from webapp.api import access
from webapp.api.docs import errors
from webapp.api.schemas import IndicatorQuerySchema, IndicatorReportSchema
from webapp.pages.common import engine

bp = Blueprint("api_indicators", __name__, url_prefix="/api/v1",
               description="The rule-of-law indicators (法治指数), each figure with the procedures behind it")
bp.before_request(access.authenticate)


@bp.get("/indicators")
@bp.arguments(IndicatorQuerySchema, location="query")
@bp.response(200, IndicatorReportSchema)
@errors(bp, 403, 422)
def report(query: dict[str, Any]) -> Any:
    """Every indicator from `from` to `to`, in total and per sponsoring unit, with the checkpoint it was
    computed against; 403 for a caller who is not an auditor, legality reviewer, head or decision organ."""
    today = local_date(engine().clock.now())
    made = engine().indicators.report(query.get("start") or date(today.year, 1, 1), query.get("end") or today,
                                      query.get("unit"), actor=access.actor())
    data = made.as_dict()
    data["start"], data["end"] = data.pop("from"), data.pop("to")
    return data
