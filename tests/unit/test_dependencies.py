"""Every dependency has a range in setup.cfg and a pin with hashes in the locks (scripts/lock.sh).

The locks are what the Quick start installs; these tests fail when setup.cfg changes without
`bash scripts/lock.sh`, or when a lock is edited by hand into something pip would not take.
"""

from __future__ import annotations

import configparser
import re
from functools import cache
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


@cache
def _setup() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return parser


def _requirements(option: str, section: str = "options") -> list[Requirement]:
    lines = _setup().get(section, option).splitlines()
    return [Requirement(line) for line in (raw.strip() for raw in lines) if line and not line.startswith("#")]


@cache
def _lock(name: str) -> dict[str, list[tuple[str, str | None, int]]]:
    """Package → [(version, marker, number of hashes)] as the lock pins it (a marker may split a package)."""
    pins: dict[str, list[tuple[str, str | None, int]]] = {}
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    for at, line in enumerate(lines):
        if match := _PIN.match(line):
            hashes = 0
            for following in lines[at + 1:]:
                if not following.strip().startswith("--hash=sha256:"):
                    break
                hashes += 1
            package = canonicalize_name(match[1])
            pins.setdefault(package, []).append((match[2], match[3], hashes))
    return pins


def _applies(marker: str | None) -> bool:
    from packaging.markers import Marker
    return marker is None or Marker(marker).evaluate({"python_full_version": "3.11.7", "python_version": "3.11"})


RUNTIME = _requirements("install_requires")
TEST = _requirements("test", "options.extras_require")


@pytest.mark.parametrize(("lock", "requirements"), [("requirements.lock", RUNTIME),
                                                     ("requirements-test.lock", RUNTIME + TEST)])
def test_every_range_in_setup_cfg_has_a_pin_in_the_lock_that_satisfies_it(lock, requirements):
    pins = _lock(lock)
    for requirement in requirements:
        assert requirement.specifier, f"{requirement.name} has no version range in setup.cfg"
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in setup.cfg but not in {lock}: run scripts/lock.sh"
        for version, marker, _ in pins[name]:
            if _applies(marker):
                assert requirement.specifier.contains(version, prereleases=True), (
                    f"{lock} pins {name}=={version}, outside setup.cfg's {requirement.specifier}: "
                    "run scripts/lock.sh")


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_pin_carries_hashes(lock):
    pins = _lock(lock)
    assert pins, f"{lock} pins nothing"
    unhashed = [name for name, versions in pins.items() for _, _, hashes in versions if hashes == 0]
    assert not unhashed, f"{lock}: pins without --hash (pip's --require-hashes refuses them): {unhashed}"


def test_the_runtime_lock_pins_what_the_test_lock_pins():
    """The Quick start's app runs the very versions the suite was run with."""
    runtime, test = _lock("requirements.lock"), _lock("requirements-test.lock")
    differ = {name: (versions, test.get(name)) for name, versions in runtime.items()
              if [v[:2] for v in versions] != [v[:2] for v in test.get(name, [])]}
    assert not differ, f"requirements.lock and requirements-test.lock disagree: {differ}"


def test_the_build_backend_is_locked_for_no_build_isolation_installs():
    for lock in ("requirements.lock", "requirements-test.lock"):
        assert {"setuptools", "wheel"} <= set(_lock(lock)), f"{lock} lacks the build backend"
