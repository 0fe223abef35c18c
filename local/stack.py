"""The local stack: the SAM application on loopback, shaped as it runs in AWS, without Docker.

- DynamoDB: moto in server mode, with the tables of template.yaml (optionally persisted).
- Lambda: each function in its own worker processes (`local.runtime`), set up
  from template.yaml, behind a local Lambda endpoint (`local.lambda_api`).
  The orchestrator reaches the three services through boto3's Lambda client
  pointed at that endpoint by `AWS_ENDPOINT_URL_LAMBDA`: the code path of AWS.
- API Gateway: the HTTP API routes of template.yaml (`local.http_api`), each
  request invoking the orchestrator through the same runtime.
- Sign-in (AuthMode=jwt): the JWT authorizer (`local.jwt_auth`) and, in place of
  Cognito's managed login, the local sign-in pages under `/local-issuer/`
  (`local.issuer`, for development only), which `SignInDomain` points at.

Used by `make run` (python -m local.run), `make invoke` and the tests, so the
tests drive exactly what a newcomer runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import clock, dynamodb, settings, template
from .dynamodb import LOCAL_REGION, MotoServer, PortInUse, bind
from .http_api import Authorizer, IntegrationError, make_server
from .issuer import PREFIX as ISSUER_PREFIX
from .issuer import LocalIssuer
from .jwt_auth import DEFAULT_KEY_PATH, LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtAuthorizer
from .lambda_api import LambdaApiServer
from .runtime import DEFAULT_CONCURRENCY, FunctionConfig, LogSink, Runtime, Throttled, boto3_runtime_dir, print_sink

LOCAL_TABLE_NAME = "court-bookings"
LOOPBACK = "127.0.0.1"

# Parameters that differ locally: the local run is the demo mode (X-User-Id) unless
# `--auth jwt` (`--parameter-overrides AuthMode=jwt`) is given; then the identity
# provider is the local one (`local.jwt_auth`), whose issuer and audience these are.
LOCAL_PARAMETERS = {"AuthMode": "none", "JwtIssuer": LOCAL_ISSUER, "JwtAudience": LOCAL_AUDIENCE}

# Downstream function names the orchestrator is given locally: the logical ids.
SERVICE_FUNCTIONS = ("IntentParserFunction", "AvailabilityFunction", "BookingFunction")

# What an HTTP API (payload 2.0) answers when its Lambda integration fails:
# a function error (crash, unhandled exception, the function's own timeout) is a 500,
# an integration that takes longer than API Gateway's 30 seconds is a 503.
FUNCTION_ERROR = (500, "Internal Server Error")
INTEGRATION_TIMEOUT = (503, "Service Unavailable")
API_GATEWAY_TIMEOUT_SECONDS = 30.0


def local_tables() -> dict[str, str]:
    """{table logical id: local table name} for every DynamoDB table in the template."""
    names = {}
    for logical_id in template.resources("AWS::DynamoDB::Table"):
        stem = re.sub(r"(?<!^)(?=[A-Z])", "-", logical_id.removesuffix("Table")).lower()
        names[logical_id] = LOCAL_TABLE_NAME if logical_id == "BookingsTable" else f"court-booking-{stem}"
    return names


def local_parameters(overrides: dict[str, str] | None = None) -> dict[str, str]:
    declared = template.parameter_defaults()
    return {**{k: v for k, v in LOCAL_PARAMETERS.items() if k in declared}, **(overrides or {})}


def local_names(parameters: dict[str, str] | None = None) -> dict[str, str]:
    """What each Ref in the template resolves to locally: parameters, tables, function names."""
    functions = {f: f for f in template.resources("AWS::Serverless::Function")}
    return {**local_parameters(parameters), **local_tables(), **functions}


def base_environment(dynamodb_endpoint: str) -> dict[str, str]:
    """What every local function gets besides its template environment."""
    return {
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_REGION": LOCAL_REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
        "POWERTOOLS_METRICS_DISABLED": "false",
    }


def lambda_environment(spec: template.FunctionSpec) -> dict[str, str]:
    """The variables Lambda itself sets in every execution environment."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "_HANDLER": spec.handler,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.logical_id}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "local",
        # No ~/.aws files in Lambda: the developer's profiles must not leak into a function.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def built_layer_paths(spec: template.FunctionSpec, build_dir: Path) -> tuple[Path, ...]:
    """Where `sam build` put the function's layers: <build>/<LayerId>/python (Lambda's /opt/python)."""
    layers = template.resources("AWS::Serverless::LayerVersion")
    by_source = {template.ROOT / layer["Properties"]["ContentUri"]: name for name, layer in layers.items()}
    return tuple(build_dir / by_source[source] / "python" for source in spec.layer_dirs if source in by_source)


@dataclass
class LocalStack:
    """Start with `start()`, stop with `stop()`.

    Ports 0 pick free ports. `api_port=None` serves no HTTP API; `dynamodb_endpoint`
    and `lambda_endpoint` use an already running DynamoDB / Lambda endpoint instead
    of starting one. `environment` adds variables per function logical id ("Parameters":
    every function, as in `sam local --env-vars`), `timeouts` replaces Timeouts.
    `build_dir` runs `sam build` output instead of the sources, with nothing but the
    built function, its built layers and boto3 on the import path.
    With AuthMode=jwt and no `authorizer` given, JWT routes are guarded by the local
    validator (`local.jwt_auth`) for the JwtIssuer / JwtAudience parameters and the
    signing key in `jwt_key` (default .local-data/jwt-signing-key.pem), and the local
    sign-in pages (`issuer`) are served under /local-issuer/; the SignInDomain parameter
    is their URL on the running stack unless `parameters` gives one.
    """

    api_port: int | None = 3000
    invoke_port: int = 3001
    dynamodb_port: int = 8000
    host: str = LOOPBACK  # the HTTP API's address; the Lambda endpoint and DynamoDB stay on loopback
    persist: Path | None = None
    dynamodb_endpoint: str | None = None
    lambda_endpoint: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    environment: dict[str, dict[str, str]] = field(default_factory=dict)
    timeouts: dict[str, float] = field(default_factory=dict)
    build_dir: Path | None = None
    runtime_paths: tuple[Path, ...] = ()
    log: LogSink | None = None
    authorizer: Authorizer | None = None
    jwt_key: Path = DEFAULT_KEY_PATH
    prewarm: bool = True
    max_concurrency: int = DEFAULT_CONCURRENCY
    shell_environment: Mapping[str, str] | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list, init=False)
    runtime: Runtime | None = field(default=None, init=False)
    issuer: LocalIssuer | None = field(default=None, init=False)
    _moto: MotoServer | None = field(default=None, init=False, repr=False)
    _api: ThreadingHTTPServer | None = field(default=None, init=False, repr=False)
    _lambda: LambdaApiServer | None = field(default=None, init=False, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, init=False, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _scratch: Path | None = field(default=None, init=False, repr=False)
    _stopped: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        """The README's settings from the shell (default os.environ) under the explicit `parameters`."""
        from_shell = settings.from_shell(
            os.environ if self.shell_environment is None else self.shell_environment, self.parameters
        )
        self.parameters = {**from_shell.parameters, **self.parameters}
        self.warnings = from_shell.warnings

    # --- addresses -------------------------------------------------------------
    @property
    def api_url(self) -> str:
        assert self._api is not None, "the stack serves no HTTP API"
        return f"http://{self.host}:{self._api.server_address[1]}"

    @property
    def sign_in_url(self) -> str:
        """Where the local sign-in pages are (the SignInDomain the web page is given locally)."""
        assert self._api is not None, "the stack serves no HTTP API"
        host = LOOPBACK if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{host}:{self._api.server_address[1]}{ISSUER_PREFIX.rstrip('/')}"

    @property
    def invoke_url(self) -> str:
        if self.lambda_endpoint:
            return self.lambda_endpoint
        assert self._lambda is not None, "call start() first"
        return self._lambda.url

    @property
    def sink(self) -> LogSink:
        if self.log is None:
            self.log = print_sink()
        return self.log

    def pids(self, function: str) -> list[int]:
        """The worker processes running this function now (tests kill them)."""
        assert self.runtime is not None
        return self.runtime.pools[function].pids()

    def requests(self) -> dict[str, Any]:
        """The requests counted at the endpoints since the last call, and zero again (tests, `make bench`):

            {"dynamodb": {(operation, table): n}, "invokes": {function: n}}

        DynamoDB's are what our moto server answered, a request naming several tables once
        for each (`local.dynamodb.RequestCounts`); the invokes are those sent to the local
        Lambda endpoint, i.e. the orchestrator's calls to the services (the HTTP API runs
        the orchestrator itself without that endpoint, so its invokes are not among them).
        Only for a stack running its own endpoints.
        """
        assert self._moto is not None, "only a stack that runs its own DynamoDB counts its requests"
        assert self._lambda is not None, "only a stack that runs its own Lambda endpoint counts its invokes"
        return {"dynamodb": dynamodb.request_counts(self._moto.endpoint), "invokes": self._lambda.take_invokes()}

    # --- life cycle ------------------------------------------------------------
    @property
    def sign_in(self) -> bool:
        """Whether the template's JWT authorizer is on (AuthMode=jwt)."""
        return local_parameters(self.parameters).get("AuthMode") == "jwt"

    def start(self) -> LocalStack:
        try:
            self._use_local_issuer()
            dynamodb_socket, lambda_socket = self._bind()
            self._serve_sign_in_pages()
            if lambda_socket is not None:
                self._lambda = LambdaApiServer(lambda_socket)
            self._start_dynamodb(dynamodb_socket)
            self.runtime = Runtime(self.function_configs(), self.sink, self.max_concurrency, keep_warm=self.prewarm)
            if self._lambda is not None:
                self._lambda.runtime = self.runtime
                self._serve(self._lambda, "local-lambda-api")
            if self._api is not None:
                self._executor = ThreadPoolExecutor(max_workers=32, thread_name_prefix="integration")
                self._serve(self._api, "local-http-api")
            if self.prewarm:
                self.runtime.prewarm()
        except BaseException:
            self.stop()
            raise
        return self

    def _use_local_issuer(self) -> None:
        """With sign-in on, validate tokens as API Gateway would, against the local signing key,
        and have the local sign-in pages mint them for the same issuer and audience."""
        if self.api_port is None or not self.sign_in:
            return
        parameters = local_parameters(self.parameters)
        if self.authorizer is None:
            self.authorizer = LocalJwtAuthorizer(
                issuer=parameters["JwtIssuer"],
                audience=parameters["JwtAudience"],
                key_path=self.jwt_key,
                log=lambda line: self.sink("JwtAuthorizer", line),
            )
        self.issuer = LocalIssuer(
            client_id=parameters["JwtAudience"],
            issuer=parameters["JwtIssuer"],
            key_path=self.jwt_key,
            log=lambda line: self.sink("LocalIssuer", line),
        )

    def _serve_sign_in_pages(self) -> None:
        """Now that the API's port is known: the origin the pages redirect to, and SignInDomain."""
        if self.issuer is None or self._api is None:
            return
        self.issuer.serve_on(self.host, self._api.server_address[1])
        if "SignInDomain" in template.parameter_defaults() and "SignInDomain" not in self.parameters:
            self.parameters = {**self.parameters, "SignInDomain": self.sign_in_url}

    def _bind(self) -> tuple[socket.socket | None, socket.socket | None]:
        """Take every port first, so a taken one fails before anything has started."""
        sockets: list[socket.socket] = []
        try:
            if self.api_port is not None:
                self._api = self._bind_api()
            lambda_socket = None
            if self.lambda_endpoint is None:
                # No authentication on either, as with `sam local start-lambda`: loopback only, whatever `host` is.
                lambda_socket = bind(LOOPBACK, self.invoke_port, "local Lambda endpoint", "--invoke-port")
                sockets.append(lambda_socket)
            dynamodb_socket = None
            if self.dynamodb_endpoint is None:
                dynamodb_socket = bind(LOOPBACK, self.dynamodb_port, "DynamoDB (moto)", "--dynamodb-port")
                sockets.append(dynamodb_socket)
        except BaseException:
            for sock in sockets:
                sock.close()
            raise
        return dynamodb_socket, lambda_socket

    def _bind_api(self) -> ThreadingHTTPServer:
        assert self.api_port is not None
        try:
            routes = template.api_routes(local_parameters(self.parameters))
            prefixes = {ISSUER_PREFIX: self.issuer} if self.issuer is not None else {}
            return make_server(
                self.host, self.api_port, self._call_integration, self._access_log, routes, self.authorizer, prefixes
            )
        except OSError as exc:
            raise PortInUse("HTTP API", self.host, self.api_port, "--port", exc) from exc

    def _start_dynamodb(self, sock: socket.socket | None) -> None:
        """Our own moto, its data in `persist` (else in a scratch folder); or tables on a given endpoint."""
        if sock is None:
            assert self.dynamodb_endpoint is not None
            dynamodb.create_tables(self.dynamodb_endpoint, local_tables())
            return
        store = self.persist if self.persist is not None else self._scratch_dir() / "dynamodb" / "tables.json"
        existed = store.exists()
        self._moto = MotoServer(sock, store, local_tables(), log=lambda line: self.sink("local", line)).start()
        self.dynamodb_endpoint = self._moto.endpoint
        if self.persist is not None:
            self.sink("local", f"{'restored the tables from' if existed else 'keeping the tables in'} {self.persist}")

    def _scratch_dir(self) -> Path:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="local-stack-"))
        return self._scratch

    @property
    def moto(self) -> MotoServer | None:
        """Our own DynamoDB server (tests kill it), if this stack started one."""
        return self._moto

    def _serve(self, server: Any, name: str) -> None:
        thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
        server.serving = True

    def stop(self) -> None:
        """Stop serving, stop every worker, save the tables if asked, stop DynamoDB. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        for server in (self._api, self._lambda):
            if server is not None:
                if getattr(server, "serving", False):
                    server.shutdown()
                server.server_close()
        if self.runtime is not None:
            self.runtime.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        if self._moto is not None:
            self._moto.stop()  # it writes its snapshot as it goes
            if self.persist is not None:
                self.sink("local", f"saved the tables to {self.persist}")
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    # --- functions ---------------------------------------------------------------
    def function_configs(self) -> list[FunctionConfig]:
        specs = template.functions(local_names(self.parameters))
        return [self._config(spec) for spec in specs.values()]

    def _config(self, spec: template.FunctionSpec) -> FunctionConfig:
        timeout = float(self.timeouts.get(spec.logical_id, spec.timeout))
        code_dir, layers, isolated = spec.code_dir, spec.layer_dirs, False
        if self.build_dir is not None:
            code_dir, layers, isolated = self.build_dir / spec.logical_id, built_layer_paths(spec, self.build_dir), True
        return FunctionConfig(
            name=spec.logical_id,
            handler=spec.handler,
            code_dir=code_dir,
            environment=self._environment(spec, code_dir),
            timeout=timeout,
            memory_size=spec.memory_size,
            layer_paths=layers,
            isolated=isolated,
            runtime_paths=self._runtime_paths() if isolated else (),
            alias=spec.alias,
        )

    def _environment(self, spec: template.FunctionSpec, code_dir: Path) -> dict[str, str]:
        assert self.dynamodb_endpoint is not None
        environment = {
            **lambda_environment(spec),
            "LAMBDA_TASK_ROOT": str(code_dir),
            **base_environment(self.dynamodb_endpoint),
            "AWS_ENDPOINT_URL_LAMBDA": self.invoke_url,
            **clock.environment(),
            **spec.environment,
        }
        if "OPENAI_MODEL" in spec.environment:
            environment.update({k: os.environ[k] for k in settings.PASSED_THROUGH if os.environ.get(k)})
        environment.update(self.environment.get("Parameters", {}))
        environment.update(self.environment.get(spec.logical_id, {}))
        return environment

    def _runtime_paths(self) -> tuple[Path, ...]:
        if self.runtime_paths:
            return self.runtime_paths
        runtime = self._scratch_dir() / "runtime"
        if not runtime.exists():
            boto3_runtime_dir(runtime)
        return (runtime,)

    # --- the HTTP API's Lambda integration ---------------------------------------
    def _call_integration(self, function: str, event: dict[str, Any]) -> Any:
        assert self.runtime is not None
        assert self._executor is not None
        future = self._executor.submit(self.runtime.invoke, function, json.dumps(event).encode())
        try:
            outcome = future.result(timeout=API_GATEWAY_TIMEOUT_SECONDS)
        except FutureTimeout:
            raise IntegrationError(*INTEGRATION_TIMEOUT, "the integration took longer than 30 seconds") from None
        except Throttled as exc:
            raise IntegrationError(*FUNCTION_ERROR, f"Lambda throttled the invocation: {exc}") from None
        if outcome.function_error:
            error = outcome.error or {}
            detail = f"The Lambda function returned the following error: {error.get('errorType')}: "
            raise IntegrationError(*FUNCTION_ERROR, detail + str(error.get("errorMessage")))
        return json.loads(outcome.payload)

    def _access_log(self, line: str) -> None:
        self.sink("HttpApi", line)


def env_vars_file(path: Path) -> dict[str, dict[str, str]]:
    """A `sam local --env-vars` file: {"FunctionId": {"VAR": "value"}, "Parameters": {...}}."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"{path}: expected {{'FunctionLogicalId': {{'VAR': 'value'}}, ...}}")
    return {name: {k: str(v) for k, v in values.items()} for name, values in data.items()}


def key_values(pairs: list[str]) -> dict[str, str]:
    """['Key=Value', ...] -> {'Key': 'Value'} (for --parameter-overrides)."""
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"expected Key=Value, got {pair!r}")
        result[key] = value
    return result
