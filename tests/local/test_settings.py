"""The README's settings work locally as the README gives them: variables in the shell, or flags.

`FACILITY_TIMEZONE=Pacific/Kiritimati make run` used to run in UTC without a word.
"""

from __future__ import annotations

import os
import re
from zoneinfo import ZoneInfo

import pytest

from courtbooking import config
from local import settings, template
from local.stack import LocalStack
from local.template import ROOT
from tests import clock
from tests.local.conftest import RunCommand, request

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_variables() -> list[str]:
    """The variables in the README's configuration table (first column)."""
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return [
        name for row in re.findall(r"^\| (`[^|]+`) \|", table, re.MULTILINE) for name in re.findall(r"`(\w+)`", row)
    ]


def test_every_variable_the_service_reads_is_honoured_locally_or_warned_about() -> None:
    read = {value for name, value in vars(config).items() if name.isupper() and name == value}
    handled = set(settings.parameter_variables()) | set(settings.PASSED_THROUGH) | set(settings.SET_BY_THE_STACK)
    assert read - handled == set()


def test_every_variable_in_the_readmes_table_is_honoured_locally_or_warned_about() -> None:
    handled = set(settings.parameter_variables()) | set(settings.PASSED_THROUGH) | set(settings.SET_BY_THE_STACK)
    listed = readme_variables()
    assert "FACILITY_TIMEZONE" in listed
    assert set(listed) - handled == set()


def test_a_variable_set_from_a_parameter_becomes_that_parameter() -> None:
    found = settings.from_shell({"FACILITY_TIMEZONE": "Pacific/Kiritimati", "COURTS": "Centre", "HOME": "/root"})
    assert found.parameters == {"FacilityTimezone": "Pacific/Kiritimati", "Courts": "Centre"}
    assert found.warnings == []
    assert settings.parameter_variables()["MAX_ACTIVE_BOOKINGS"] == "MaxActiveBookings"
    assert set(settings.parameter_variables().values()) <= set(template.parameter_defaults())


def test_a_flag_wins_over_the_shell_and_says_so() -> None:
    found = settings.from_shell({"FACILITY_TIMEZONE": "Asia/Tokyo"}, {"FacilityTimezone": "Europe/Paris"})
    assert "FacilityTimezone" not in found.parameters
    assert found.warnings == [
        "FACILITY_TIMEZONE='Asia/Tokyo' from your shell is overridden by --parameter-overrides "
        "FacilityTimezone='Europe/Paris'"
    ]


@pytest.mark.parametrize("variable", sorted(settings.SET_BY_THE_STACK))
def test_a_variable_the_local_run_does_not_use_is_named_with_the_reason(variable: str) -> None:
    found = settings.from_shell({variable: "x"})
    assert found.parameters == {}
    assert len(found.warnings) == 1
    assert found.warnings[0].startswith(f"{variable} is set in your shell but the local run does not use it: ")


def test_the_stack_takes_the_shell_under_its_own_parameters() -> None:
    stack = LocalStack(
        dynamodb_endpoint="http://127.0.0.1:1",
        lambda_endpoint="http://127.0.0.1:2",
        parameters={"Courts": "Court 1"},
        shell_environment={"FACILITY_TIMEZONE": "Pacific/Kiritimati", "COURTS": "Ignored", "TABLE_NAME": "mine"},
    )
    environments = {c.name: c.environment for c in stack.function_configs()}
    assert {env["FACILITY_TIMEZONE"] for env in environments.values()} == {"Pacific/Kiritimati"}
    assert {env["COURTS"] for env in environments.values()} == {"Court 1"}
    assert environments["BookingFunction"]["TABLE_NAME"] != "mine"
    assert any(w.startswith("TABLE_NAME is set in your shell") for w in stack.warnings)


def test_the_run_command_runs_in_the_zone_from_the_shell_and_warns_about_the_rest() -> None:
    """As the README gives it: FACILITY_TIMEZONE=Pacific/Kiritimati make run (here: python -m local.run)."""
    # A zone whose date is not UTC's right now (Kiritimati is UTC+14, Pago Pago UTC-11), so the answer tells.
    zone = "Pacific/Kiritimati" if clock.now().hour >= 10 else "Pacific/Pago_Pago"
    zone_today = clock.now().astimezone(ZoneInfo(zone)).date()
    assert zone_today != clock.now().date()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("FACILITY_TIMEZONE", "TABLE_NAME")},
        "FACILITY_TIMEZONE": zone,
        "TABLE_NAME": "my-table",
    }
    run = RunCommand(env=environment)
    try:
        status, free = request("GET", f"{run.wait().api}/availability")
        assert (status, free["date"]) == (200, zone_today.isoformat())
        assert run.interrupt() == 0
    finally:
        run.kill()
    text = run.output.text()
    assert "warning: TABLE_NAME is set in your shell but the local run does not use it" in text
