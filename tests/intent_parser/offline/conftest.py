"""The offline parser's tests share one check (`reading.assert_reads`); pytest rewrites its asserts too."""

import pytest

pytest.register_assert_rewrite("tests.intent_parser.offline.reading")
