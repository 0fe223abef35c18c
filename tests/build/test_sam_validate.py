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
