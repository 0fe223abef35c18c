"""Every example in the README works as written, on any day.

Each ```bash block of README.md is run with bash, in a copy of the checkout (so
`make events` rewrites the copy's event files, not yours), against the local
stack on the ports the README uses (:3000, :3001, :8000), started as `make run`
starts it. A comment just before a block says how to run it:

    <!-- example: skip (why) -->         not run, and why (the two commands themselves, AWS deploys)
    <!-- example: expect "a" "b" -->     its output must contain each text
    <!-- example: stack jwt -->          run against the stack with sign-in on (--auth jwt)
    <!-- example: docker -->             `sam build && sam local invoke F -e E` needs Docker: the same
                                         event is sent with `make invoke` instead, after what precedes it

Lines that start the stack (`make run ...`) are left out: the stack is already running.
Every block must exit 0.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from local.template import ROOT
from tests.local.conftest import RunCommand

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
PORTS = (3000, 3001, 8000)
_BLOCK = re.compile(r"(?:<!-- example: (?P<options>[^>]*?) -->\s*\n)?```bash\n(?P<code>.*?)```", re.DOTALL)


@dataclass
class Example:
    line: int
    code: str
    skip: str | None = None
    expect: list[str] = field(default_factory=list)
    stack: str = "none"
    docker: bool = False

    @property
    def name(self) -> str:
        first = next((ln for ln in self.code.splitlines() if ln.strip() and not ln.startswith("#")), "")
        return f"README.md:{self.line} {first[:50]}"


def examples() -> list[Example]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        example = Example(line=text[: match.start("code")].count("\n") + 1, code=match["code"])
        options = (match["options"] or "").strip()
        if options.startswith("skip"):
            example.skip = options.removeprefix("skip").strip(" ()") or "marked skip"
        elif options.startswith("expect"):
            example.expect = shlex.split(options.removeprefix("expect"))
        elif options.startswith("stack"):
            example.stack = options.split()[1]
        elif options == "docker":
            example.docker = True
        found.append(example)
    return found


def runnable(example: Example) -> str:
    lines = [ln for ln in example.code.splitlines() if not re.match(r"\s*make run\b", ln)]
    code = "\n".join(lines)
    if example.docker:
        found = re.search(r"sam build && sam local invoke (\w+) -e (\S+)", code)
        assert found, f"{example.name}: a docker example names `sam build && sam local invoke F -e E`"
        code = code.replace(found[0], f"make -s invoke FUNCTION={found[1]} EVENT={found[2]}")
    return code


def copy_of_checkout(target: Path) -> Path:
    """The checkout's files (not what git ignores), with their times (so make sees the virtualenvs as up to
    date), and the virtualenvs."""
    listed = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]  # new files too, not ignored ones
    files = subprocess.run(listed, cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source, destination = ROOT / name, target / name
        if source.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    for venv in (".venv", ".venv-sam"):
        if (ROOT / venv).exists():
            (target / venv).symlink_to(ROOT / venv)
    return target


def ports_free() -> bool:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return False
    return True


def start_stack(checkout: Path, *args: str) -> RunCommand:
    """`make run` (python -m local.run) in the copy, on the README's ports."""
    ports = dict(zip(("port", "invoke-port", "dynamodb-port"), PORTS, strict=True))
    run = RunCommand(*args, env=environment(checkout), cwd=checkout, ports=ports)
    try:
        return run.wait()
    except BaseException:
        run.kill()  # never leave a stack on the README's ports
        raise


def stop(run: RunCommand) -> None:
    try:
        run.interrupt()
    finally:
        run.kill()


def environment(checkout: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OPENAI_"))}
    return {**env, "PATH": f"{checkout / '.venv' / 'bin'}:{env.get('PATH', '')}", "SAM_CLI_TELEMETRY": "0"}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of_checkout(tmp_path_factory.mktemp("readme"))


@pytest.fixture(scope="module")
def stacks(checkout: Path) -> Iterator[dict[str, RunCommand | None]]:
    if not ports_free():
        pytest.fail(f"the README's examples use ports {PORTS}, and one of them is taken: stop what uses it")
    running: dict[str, RunCommand | None] = {"none": None, "jwt": None}
    yield running
    for stack in running.values():
        if stack is not None:
            stop(stack)


def stack_for(mode: str, stacks: dict[str, RunCommand | None], checkout: Path) -> RunCommand:
    if stacks[mode] is None:
        for other, stack in stacks.items():
            if stack is not None and other != mode:
                stop(stack)
                stacks[other] = None
        stacks[mode] = start_stack(checkout, *(["--auth", "jwt"] if mode == "jwt" else []))
    stack = stacks[mode]
    assert stack is not None
    return stack


def test_every_block_is_run_or_says_why_not() -> None:
    found = examples()
    assert len(found) >= 5
    assert all(e.skip for e in found if "sam deploy" in e.code)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_readme_example(example: Example, checkout: Path, stacks: dict[str, RunCommand | None]) -> None:
    if example.skip:
        pytest.skip(example.skip)
    stack_for(example.stack, stacks, checkout)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", runnable(example)],
        cwd=checkout,
        env=environment(checkout),
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{example.name} exited {result.returncode}:\n{output}"
    for text in example.expect:
        assert text in output, f"{example.name}: {text!r} not in its output:\n{output}"
