"""A cold start imports only what the function needs (checked in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from local.template import ROOT

IDEMPOTENCY = "aws_lambda_powertools.utilities.idempotency"


def test_no_function_imports_openai_or_the_idempotency_utility_at_start_up() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import availability_function, booking_function, intent_parser_function, orchestrator_function
        assert "openai" not in sys.modules, "a handler module imported openai"
        assert "{IDEMPOTENCY}" not in sys.modules, "a handler module imported the idempotency utility"
        print("ok")
        """
    )
    paths = [ROOT / "layers" / "shared", *(ROOT / "functions" / f for f in ("availability", "booking"))]
    paths += [ROOT / "functions" / f for f in ("intent_parser", "orchestrator")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
