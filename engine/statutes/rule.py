"""A rule of the law (or of the engine): the shape of every entry in the statutes' rule tables.

`certainty` is the mark regulation.md gives the rule (a rule resting on several sources
takes the weakest): V verified against the full text of the law; S seen in a secondary
or local source; M from memory, not re-checked (keep its numbers configurable and
confirm them with the county 司法局); P the project's reading where the law is silent or
vague (never weaker than the law). The engine's own DF-… rules are P.
"""

from __future__ import annotations

from dataclasses import dataclass

CERTAINTY: dict[str, str] = {
    "V": "checked against the full text of the law",
    "S": "seen in a secondary or local source, not the national text",
    "M": "from memory, not re-checked: keep the number configurable; confirm with the county 司法局",
    "P": "project reading where the law is silent or vague (conservative, never weaker than the law)",
}

# The phases of a major decision (MD rules) in the order of the procedure; the first
# nine make up the decision-making itself (MD-2 … MD-33b), the last two follow it.
MD_PHASES: tuple[str, ...] = (
    "scope", "initiation", "drafting", "participation", "expert", "risk", "legality", "deliberation",
    "report_publication_archive", "execution", "liability",
)
DECISION_MAKING_PHASES: frozenset[str] = frozenset(MD_PHASES[:9])

# The phases a rule of each id prefix may have.
PHASES: dict[str, tuple[str, ...]] = {
    "MD": MD_PHASES,
    "SC": ("sichuan",),
    "ND": ("normative_document",),
    "ER": ("enforcement_review",),
    "RC": ("reconsideration",),
    "DF": ("engine",),
}


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    zh: str
    en: str
    certainty: str
    phase: str

    def __post_init__(self) -> None:
        if self.certainty not in CERTAINTY:
            raise ValueError(f"{self.id}: certainty {self.certainty!r} is not one of {sorted(CERTAINTY)}")
        if self.phase not in PHASES.get(self.prefix, ()):
            raise ValueError(f"{self.id}: phase {self.phase!r} does not fit prefix {self.prefix!r}")

    @property
    def prefix(self) -> str:
        """MD, SC, ND, ER, RC or DF."""
        return self.id.split("-", 1)[0]

    @property
    def decision_making(self) -> bool:
        """True for MD rules of the decision-making itself (MD-2 … MD-33b), not execution or liability."""
        return self.prefix == "MD" and self.phase in DECISION_MAKING_PHASES
