"""The settings a developer gives the local run in their shell, as the README's configuration table names them.

    FACILITY_TIMEZONE=Pacific/Kiritimati COURTS="Centre,Court 2" make run

A variable that a function reads from a template parameter (`FACILITY_TIMEZONE:
!Ref FacilityTimezone`, or `!If [UseJwt, !Ref SignInDomain, ""]`) becomes that
parameter, exactly as `--parameter-overrides FacilityTimezone=...` would; flags
win over the shell. The mapping is read from template.yaml, so it cannot drift
from what is deployed. The OpenAI variables in
`PASSED_THROUGH` go to the intent parser as they are. Every other variable the
service reads (the names in `courtbooking.config`; a test keeps this module
complete) that is set in the shell is named in a warning at start-up, with the
reason, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import template

# Given to the functions that talk to OpenAI (those with OPENAI_MODEL) from the developer's shell.
PASSED_THROUGH = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_TIMEOUT_SECONDS")

# Read by the service, but set by the local stack itself: why a value from the shell is not used.
SET_BY_THE_STACK = {
    "TABLE_NAME": "the local stack names its own tables (court-bookings, ...)",
    "IDEMPOTENCY_TABLE_NAME": "the local stack names its own tables (court-booking-idempotency)",
    "CONVERSATIONS_TABLE_NAME": "the local stack names its own tables (court-booking-conversations)",
    "INTENT_PARSER_FUNCTION": "the local stack invokes its own functions by their logical ids",
    "AVAILABILITY_FUNCTION": "the local stack invokes its own functions by their logical ids",
    "BOOKING_FUNCTION": "the local stack invokes its own functions by their logical ids",
    "AWS_ENDPOINT_URL_DYNAMODB": "the local stack points the functions at its own DynamoDB (moto)",
    "AWS_ENDPOINT_URL_LAMBDA": "the local stack points the orchestrator at its own Lambda endpoint",
    "OPENAI_API_KEY_PARAMETER": "there is no SSM Parameter Store locally; set OPENAI_API_KEY instead",
    "OPENAI_API_KEY_SECRET": "there is no Secrets Manager locally; set OPENAI_API_KEY instead",
}
UNSUPPORTED_PARAMETERS = {"OpenAIKeyParameterName", "OpenAIKeySecretName"}


def parameter_variables() -> dict[str, str]:
    """{environment variable: template parameter} for every function variable set from a parameter."""
    resources = template.resources("AWS::Serverless::Function")
    globals_env = template.load_template().get("Globals", {}).get("Function", {}).get("Environment", {})
    sources = [globals_env.get("Variables", {})]
    sources += [r["Properties"].get("Environment", {}).get("Variables", {}) for r in resources.values()]
    parameters = template.parameter_defaults()
    found: dict[str, str] = {}
    for variables in sources:
        for name, value in variables.items():
            reference = _parameter_of(value)
            if reference in parameters and reference not in UNSUPPORTED_PARAMETERS:
                found[name] = reference
    return found


def _parameter_of(value: object) -> str | None:
    """`!Ref P`, or the one `!Ref P` of an `!If [Condition, !Ref P, ""]` (SIGN_IN_DOMAIN), else None."""
    if not isinstance(value, dict):
        return None
    if "Ref" in value:
        return str(value["Ref"])
    branches = value.get("Fn::If")
    if isinstance(branches, list) and len(branches) == 3:
        references = [b["Ref"] for b in branches[1:] if isinstance(b, dict) and "Ref" in b]
        if len(references) == 1:
            return str(references[0])
    return None


@dataclass
class ShellSettings:
    parameters: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def from_shell(environ: Mapping[str, str], flags: Mapping[str, str] | None = None) -> ShellSettings:
    """The parameters the shell's variables set (flags win), and a warning for each variable not used."""
    flags = dict(flags or {})
    settings = ShellSettings()
    for variable, parameter in parameter_variables().items():
        value = environ.get(variable)
        if value is None:
            continue
        if parameter in flags and flags[parameter] != value:
            settings.warnings.append(
                f"{variable}={value!r} from your shell is overridden by --parameter-overrides "
                f"{parameter}={flags[parameter]!r}"
            )
            continue
        settings.parameters[parameter] = value
    for variable, reason in SET_BY_THE_STACK.items():
        if environ.get(variable):
            settings.warnings.append(f"{variable} is set in your shell but the local run does not use it: {reason}")
    return settings
