"""Engine settings, from arguments or the environment; no module-level state."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from engine.deadlines import parse_limits
from engine.statutes.limits import Limits

DEFAULT_DATABASE_URL = "sqlite:///decisionflow.db"
DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
COUNTY_STEPS = frozenset({"sc5", "sc6"})


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    spec_cache_size: int = 32
    limits: Limits = field(default_factory=Limits)
    step_deadlines: dict[str, str] = field(default_factory=dict)
    """Time limits per step kind for steps the law leaves open (DECISIONFLOW_STEP_DEADLINES)."""
    crypto_suite: str = "sm"
    """What new chains, document hashes, checkpoints and seals use (DECISIONFLOW_CRYPTO_SUITE): "sm" (SM3 and
    SM2, the default for new deployments) or "intl" (SHA-256 and Ed25519). Records keep the algorithm they
    name, so switching leaves what exists verifiable (docs/crypto.md)."""
    key_dir: str = "instance/keys"
    """Where the Ed25519 archive-sealing keys live (DECISIONFLOW_KEY_DIR)."""
    checkpoint_dir: str = "instance/checkpoints"
    """Where signed checkpoints of every chain head are written, outside the database, one file each, never
    overwritten (DECISIONFLOW_CHECKPOINT_DIR; beside the key directory by default). The backup includes it."""
    checkpoint_minutes: int = 60
    """How often the workers write a checkpoint, once per period however many run
    (DECISIONFLOW_CHECKPOINT_MINUTES; 0: only `decisionflow checkpoint` writes them)."""
    tsa_url: str | None = None
    """An RFC 3161 time-stamping authority (DECISIONFLOW_TSA_URL): checkpoints and archive seals carry its
    token over their signature. None: no timestamps. A TSA that fails never costs a checkpoint or an
    archive: it is written without a token and the failure is recorded in it and reported."""
    tsa_ca_file: str | None = None
    """PEM file of the TSA's root certificate (DECISIONFLOW_TSA_CA_FILE): with it a fresh token's signature
    and certificate chain are verified before it is kept; without it only its imprint and nonce are."""
    tsa_timeout: float = 10.0
    """Seconds to wait for the TSA (DECISIONFLOW_TSA_TIMEOUT)."""
    fonds: str = "0000"
    """全宗号, the fonds number the archives bureau gave this office (DECISIONFLOW_FONDS), written into every
    decision archive's DA/T 46 metadata."""
    county_steps: frozenset[str] = frozenset()
    """Extra statutory steps this county requires: "sc5" (consistency assessments before the
    legality review, SC-5) and "sc6" (the government party group's prior review before
    deliberation, SC-6). From DECISIONFLOW_COUNTY_STEPS, comma-separated."""
    smtp_host: str | None = None
    """Where the daily digest is mailed through (DECISIONFLOW_SMTP_HOST); no host, no mail."""
    smtp_port: int = 25
    smtp_user: str | None = None
    """Login name for the SMTP server, if it wants one (DECISIONFLOW_SMTP_USER / _PASSWORD)."""
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str = "decisionflow@localhost"
    smtp_starttls: bool = False
    """Upgrade the connection with STARTTLS before logging in (DECISIONFLOW_SMTP_STARTTLS=1)."""
    lockout_threshold: int = 5
    """Wrong passwords in a row that lock an account (DECISIONFLOW_LOCKOUT_THRESHOLD; 0 never locks)."""
    lockout_minutes: int = 15
    """How long a locked account refuses every login, the right password included (DECISIONFLOW_LOCKOUT_MINUTES)."""
    cleanup_org: str | None = None
    """The organisation (its code) that owns the yearly clean-up of normative documents (ND-9): its legality
    review office gets the clean-up's first steps (DECISIONFLOW_CLEANUP_ORG). None: no automatic clean-up."""
    cleanup_day: int = 1
    """The day of the year (1–366; past the year's last day, its last day) from which the worker starts the
    year's clean-up (DECISIONFLOW_CLEANUP_DAY)."""
    digest_at: time | None = None
    """From this local time (Asia/Shanghai) each day, the workers mail the daily digest, once a day however
    many run (DECISIONFLOW_DIGEST_AT=HH:MM; needs DECISIONFLOW_SMTP_HOST). None: no worker mails it (cron
    may run `decisionflow digest --send` instead)."""

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """DATABASE_URL and DECISIONFLOW_MAX_DOCUMENT_BYTES; explicit overrides win."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            "max_document_bytes": int(env.get("DECISIONFLOW_MAX_DOCUMENT_BYTES",
                                              DEFAULT_MAX_DOCUMENT_BYTES)),
        }
        values["step_deadlines"] = parse_limits(env.get("DECISIONFLOW_STEP_DEADLINES", ""))
        suite = env.get("DECISIONFLOW_CRYPTO_SUITE", "").strip()
        if suite:
            if suite not in ("sm", "intl"):
                raise ValueError(f"DECISIONFLOW_CRYPTO_SUITE: 'sm' or 'intl', not {suite!r}")
            values["crypto_suite"] = suite
        if env.get("DECISIONFLOW_KEY_DIR"):
            values["key_dir"] = env["DECISIONFLOW_KEY_DIR"]
        values.update(_checkpoints(env))
        values.update(_archives(env))
        steps = {s.strip() for s in env.get("DECISIONFLOW_COUNTY_STEPS", "").split(",") if s.strip()}
        unknown = steps - COUNTY_STEPS
        if unknown:
            raise ValueError(f"DECISIONFLOW_COUNTY_STEPS: unknown step(s) {sorted(unknown)}; "
                             f"known: {sorted(COUNTY_STEPS)}")
        values["county_steps"] = frozenset(steps)
        values.update(_smtp(env))
        values.update(_lockout(env))
        values.update(_cleanup(env))
        values.update(_digest(env, bool(values.get("smtp_host"))))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _smtp(env: Mapping[str, str]) -> dict[str, object]:
    """DECISIONFLOW_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM and _STARTTLS (1/true/yes)."""
    values: dict[str, object] = {}
    for name in ("host", "user", "password", "from"):
        if env.get(f"DECISIONFLOW_SMTP_{name.upper()}"):
            values[f"smtp_{name}"] = env[f"DECISIONFLOW_SMTP_{name.upper()}"]
    if env.get("DECISIONFLOW_SMTP_PORT"):
        values["smtp_port"] = int(env["DECISIONFLOW_SMTP_PORT"])
    if env.get("DECISIONFLOW_SMTP_STARTTLS"):
        values["smtp_starttls"] = env["DECISIONFLOW_SMTP_STARTTLS"].strip().lower() in ("1", "true", "yes", "on")
    return values


def _checkpoints(env: Mapping[str, str]) -> dict[str, object]:
    """DECISIONFLOW_CHECKPOINT_DIR and DECISIONFLOW_CHECKPOINT_MINUTES (a whole number, 0 or more)."""
    values: dict[str, object] = {}
    if env.get("DECISIONFLOW_CHECKPOINT_DIR", "").strip():
        values["checkpoint_dir"] = env["DECISIONFLOW_CHECKPOINT_DIR"].strip()
    raw = env.get("DECISIONFLOW_CHECKPOINT_MINUTES", "").strip()
    if raw:
        if not raw.isdigit():
            raise ValueError(f"DECISIONFLOW_CHECKPOINT_MINUTES: a whole number of 0 or more, not {raw!r}")
        values["checkpoint_minutes"] = int(raw)
    return values


def _archives(env: Mapping[str, str]) -> dict[str, object]:
    """DECISIONFLOW_TSA_URL, _TSA_CA_FILE, _TSA_TIMEOUT (seconds, above 0) and DECISIONFLOW_FONDS."""
    values: dict[str, object] = {}
    for name, key in (("DECISIONFLOW_TSA_URL", "tsa_url"), ("DECISIONFLOW_TSA_CA_FILE", "tsa_ca_file"),
                      ("DECISIONFLOW_FONDS", "fonds")):
        if env.get(name, "").strip():
            values[key] = env[name].strip()
    url = str(values.get("tsa_url", ""))
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"DECISIONFLOW_TSA_URL: an http:// or https:// address, not {url!r}")
    raw = env.get("DECISIONFLOW_TSA_TIMEOUT", "").strip()
    if raw:
        try:
            values["tsa_timeout"] = float(raw)
        except ValueError:
            raise ValueError(f"DECISIONFLOW_TSA_TIMEOUT: seconds, a number above 0, not {raw!r}") from None
        if not values["tsa_timeout"] > 0:  # type: ignore[operator]
            raise ValueError(f"DECISIONFLOW_TSA_TIMEOUT: seconds, a number above 0, not {raw!r}")
    return values


def _lockout(env: Mapping[str, str]) -> dict[str, object]:
    """DECISIONFLOW_LOCKOUT_THRESHOLD and DECISIONFLOW_LOCKOUT_MINUTES: whole numbers, not negative."""
    values: dict[str, object] = {}
    for name in ("threshold", "minutes"):
        raw = env.get(f"DECISIONFLOW_LOCKOUT_{name.upper()}", "").strip()
        if raw:
            if not raw.isdigit():
                raise ValueError(f"DECISIONFLOW_LOCKOUT_{name.upper()}: a whole number of 0 or more, not {raw!r}")
            values[f"lockout_{name}"] = int(raw)
    return values


def _cleanup(env: Mapping[str, str]) -> dict[str, object]:
    """DECISIONFLOW_CLEANUP_ORG (an organisation code) and DECISIONFLOW_CLEANUP_DAY (1 to 366)."""
    values: dict[str, object] = {}
    if env.get("DECISIONFLOW_CLEANUP_ORG", "").strip():
        values["cleanup_org"] = env["DECISIONFLOW_CLEANUP_ORG"].strip()
    raw = env.get("DECISIONFLOW_CLEANUP_DAY", "").strip()
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= 366:
            raise ValueError(f"DECISIONFLOW_CLEANUP_DAY: a day of the year from 1 to 366, not {raw!r}")
        values["cleanup_day"] = int(raw)
    return values


def _digest(env: Mapping[str, str], smtp: bool) -> dict[str, object]:
    """DECISIONFLOW_DIGEST_AT: HH:MM, local time; a digest to mail needs a mail server."""
    raw = env.get("DECISIONFLOW_DIGEST_AT", "").strip()
    if not raw:
        return {}
    try:
        hours, minutes = (int(part) for part in raw.split(":"))
        at = time(hours, minutes)
    except ValueError:
        raise ValueError(f"DECISIONFLOW_DIGEST_AT: a time of day as HH:MM (e.g. 07:30), not {raw!r}") from None
    if not smtp:
        raise ValueError("DECISIONFLOW_DIGEST_AT is set but DECISIONFLOW_SMTP_HOST is not: the digest has no way out")
    return {"digest_at": at}
