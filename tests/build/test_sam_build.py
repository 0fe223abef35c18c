"""`sam build` output is what AWS runs, so it is tested, not the sources.

1. Built for the deploy architecture (arm64, as template.yaml says): every native
   module in the built layer and functions must be an arm64 ELF file.
2. Built for this machine's architecture: every function runs from the build
   output with nothing but its built folder (/var/task), the built layer's
   `python/` (/opt/python) and boto3 (which the Lambda runtime provides) on its
   import path: `python -I -S`, so the dev virtualenv is invisible. Every event
   file is invoked on it, and every requirement must import. A dependency missing
   from a requirements.txt, or a layer built for the wrong CPU, fails here.

Both builds run once per session, side by side, each in its own temporary folder.
"""

from __future__ import annotations

import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local import events, template
from local.runtime import boto3_runtime_dir
from local.stack import LocalStack
from local.template import ROOT
from tests.functions.test_event_files import EXPECTED
from tests.local.conftest import empty_tables, local_lambda_client

DEPLOY_ARCH = "arm64"
ELF_MACHINE = {"arm64": 183, "x86_64": 62}  # e_machine: EM_AARCH64, EM_X86_64
BUILD_TIMEOUT_SECONDS = 600
NATIVE_MODULE = re.compile(r"\.so(\.\d+)*$")
CHECKER = Path(__file__).with_name("isolated_imports.py")

# The first test also waits for both builds (a cold pip cache makes them slow).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT_SECONDS + 120)]


def native_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[machine]


def sam_binary() -> str | None:
    candidates = [os.environ.get("SAM_BIN"), str(ROOT / ".venv-sam" / "bin" / "sam"), shutil.which("sam")]
    return next((c for c in candidates if c and Path(c).exists()), None)


def python313_dir() -> str | None:
    """`sam build` for python3.13 needs that interpreter on PATH (a real one, not a pyenv shim)."""
    if sys.version_info[:2] == (3, 13):
        return str(Path(sys.base_prefix) / "bin")
    pyenv = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")))
    if pyenv:
        return str(Path(pyenv[-1]).parent)
    found = shutil.which("python3.13")
    return str(Path(found).parent) if found else None


def start_build(sam: str, template_file: Path, workdir: Path) -> subprocess.Popen[str]:
    """`sam build` in `workdir` (its caches and dependency folders stay there) into workdir/build."""
    path = os.pathsep.join(p for p in (python313_dir(), os.environ.get("PATH", "")) if p)
    command = [sam, "build", "--template-file", str(template_file), "--base-dir", str(ROOT)]
    command += ["--build-dir", str(workdir / "build"), "--cache-dir", str(workdir / "cache"), "--cached", "--parallel"]
    env = {**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0"}
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def template_for(arch: str, workdir: Path) -> Path:
    """template.yaml with every architecture set to `arch` (paths resolve from --base-dir)."""
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    target = workdir / "template.yaml"
    target.write_text(re.sub(rf"\b{DEPLOY_ARCH}\b", arch, text), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{architecture: build folder}: the deploy build and, if different, this machine's."""
    sam = sam_binary()
    if sam is None:
        pytest.skip("SAM CLI not found (make test installs it in .venv-sam)")
    started = {}
    for arch in dict.fromkeys([DEPLOY_ARCH, native_arch()]):
        workdir = tmp_path_factory.mktemp(f"sam-build-{arch}")
        started[arch] = (workdir, start_build(sam, template_for(arch, workdir), workdir))
    results = {}
    for arch, (workdir, process) in started.items():
        output, _ = process.communicate(timeout=BUILD_TIMEOUT_SECONDS)
        assert process.returncode == 0, f"sam build ({arch}) failed:\n{output[-4000:]}"
        results[arch] = workdir / "build"
    return results


def elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", f"{path} is not an ELF file"
    return int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")


def native_modules(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*") if p.is_file() and NATIVE_MODULE.search(p.name))


def test_the_deploy_build_has_only_arm64_native_modules(builds: dict[str, Path]) -> None:
    build = builds[DEPLOY_ARCH]
    modules = native_modules(build)
    assert any("pydantic_core" in str(p) for p in modules), "expected pydantic_core's native module in the layer"
    wrong = {str(p.relative_to(build)): elf_machine(p) for p in modules if elf_machine(p) != ELF_MACHINE[DEPLOY_ARCH]}
    assert wrong == {}, f"native modules not built for {DEPLOY_ARCH}"


def test_every_built_function_has_its_handler_and_the_layer(builds: dict[str, Path]) -> None:
    build = builds[native_arch()]
    for logical_id, spec in template.functions({}).items():
        assert (build / logical_id / f"{spec.module}.py").is_file(), logical_id
    assert (build / "SharedLayer" / "python" / "courtbooking" / "__init__.py").is_file()


def requirement_names(path: Path) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[\s<>=!~\[;]", line, maxsplit=1)[0])
    return names


@pytest.mark.parametrize("function", sorted(template.functions({})))
def test_every_requirement_imports_from_the_build_alone(
    function: str, builds: dict[str, Path], runtime_dir: Path
) -> None:
    build = builds[native_arch()]
    spec = template.functions({})[function]
    requirements = requirement_names(spec.code_dir / "requirements.txt")
    requirements += requirement_names(ROOT / "layers" / "shared" / "requirements.txt")
    paths = [str(build / function), str(build / "SharedLayer" / "python"), str(runtime_dir)]
    request = json.dumps({"path": paths, "requirements": requirements})
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(CHECKER), request],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=build / function,
        env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.fixture(scope="session")
def runtime_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """boto3 and its dependencies only: what the Lambda runtime adds to the path."""
    return boto3_runtime_dir(tmp_path_factory.mktemp("lambda-runtime") / "runtime")


@pytest.fixture(scope="session")
def built_stack(builds: dict[str, Path], runtime_dir: Path) -> Iterator[LocalStack]:
    """The local stack running the native build in isolated workers."""
    stack = LocalStack(
        api_port=None,
        invoke_port=0,
        dynamodb_port=0,
        build_dir=builds[native_arch()],
        runtime_paths=(runtime_dir,),
        prewarm=False,
        log=lambda source, line: None,
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_event_file_on_the_built_functions(name: str, built_stack: LocalStack) -> None:
    empty_tables(built_stack)
    function, expectation = EXPECTED[name]
    response = local_lambda_client(built_stack.invoke_url, read_timeout=60).invoke(
        FunctionName=function, Payload=json.dumps(events.load(name)).encode()
    )
    answer = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, answer
    assert expectation(answer), answer


def test_a_dependency_missing_from_the_build_fails(builds: dict[str, Path], runtime_dir: Path, tmp_path: Path) -> None:
    """The check above has teeth: the same build without pydantic in the layer cannot start."""
    build = builds[native_arch()]
    broken = tmp_path / "build"
    (broken / "SharedLayer" / "python").mkdir(parents=True)
    for entry in (build / "SharedLayer" / "python").iterdir():
        if not entry.name.startswith("pydantic"):
            (broken / "SharedLayer" / "python" / entry.name).symlink_to(entry)
    (broken / "AvailabilityFunction").symlink_to(build / "AvailabilityFunction")
    outcome = run_once(broken, runtime_dir, "AvailabilityFunction", events.load("availability_intent.json"))
    assert outcome["errorType"] == "Runtime.ImportModuleError"
    assert "pydantic" in outcome["errorMessage"]


@pytest.mark.skipif(native_arch() == DEPLOY_ARCH, reason="this machine runs the deploy architecture")
def test_a_build_for_another_cpu_fails(builds: dict[str, Path], runtime_dir: Path) -> None:
    """And the arm64 build cannot run here: its native modules do not load on this CPU."""
    outcome = run_once(builds[DEPLOY_ARCH], runtime_dir, "AvailabilityFunction", {"intent": None})
    assert outcome["errorType"] == "Runtime.ImportModuleError"


def run_once(build: Path, runtime_dir: Path, function: str, event: Any) -> dict[str, Any]:
    """One invocation of `function` from `build`; its decoded error payload (the invocation must fail)."""
    stack = LocalStack(
        api_port=None,
        invoke_port=0,
        dynamodb_port=0,
        build_dir=build,
        runtime_paths=(runtime_dir,),
        prewarm=False,
        log=lambda source, line: None,
    )
    stack.start()
    try:
        assert stack.runtime is not None
        outcome = stack.runtime.invoke(function, json.dumps(event).encode())
    finally:
        stack.stop()
    assert outcome.function_error == "Unhandled", outcome.payload
    return json.loads(outcome.payload)
