"""`sam validate --lint` accepts template.yaml (the SAM transform and cfn-lint, as SAM CLI runs them)."""

from __future__ import annotations

import os
import subprocess

import pytest

from local.template import TEMPLATE_PATH
from tests.build.test_sam_build import sam_binary


def test_sam_validate_lint_accepts_the_template() -> None:
    sam = sam_binary()
    if sam is None:
        pytest.skip("SAM CLI not found (make test installs it in .venv-sam)")
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run(
        [str(sam), "validate", "--lint", "--template-file", str(TEMPLATE_PATH)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_the_handler_tests_event_sample_is_what_sam_generates() -> None:
    """tests/functions/aws_events.py builds every HTTP event from this sample: it must stay AWS's shape."""
    import json

    from tests.functions.aws_events import SAMPLE

    sam = sam_binary()
    if sam is None:
        pytest.skip("SAM CLI not found (make test installs it in .venv-sam)")
    generated = subprocess.run(
        [str(sam), "local", "generate-event", "apigateway", "http-api-proxy"],
        capture_output=True,
        text=True,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        timeout=120,
        check=True,
    )
    assert json.loads(generated.stdout) == SAMPLE
