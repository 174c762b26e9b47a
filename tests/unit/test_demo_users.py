"""`decisionflow serve --demo` prints whom to log in as for each step (issue 22 item 10)."""

from __future__ import annotations

from engine import demo
from engine.domain.roles import ROLES
from webapp.cli import demo_user_lines


def test_df_demo_lists_every_user_with_name_unit_and_roles_in_chinese():
    lines = demo_user_lines({"sponsor": "s3cret-once"})
    assert len(lines) == len(demo.USERS)
    units = {code: name for code, name, _ in demo.ORGANISATIONS}
    for line, (username, org, display, roles) in zip(lines, demo.USERS, strict=True):
        assert line.split()[0] == username and display in line and units[org] in line
        assert all(ROLES[role][0] in line for role in roles)
    assert "s3cret-once" in lines[0] and "此前已设置" in lines[1]
