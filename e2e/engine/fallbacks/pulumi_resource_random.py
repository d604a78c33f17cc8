"""STAND-IN for the `pulumi-resource-random` provider plugin; it is NOT the real provider.

Why: the real provider is the Go module `github.com/pulumi/pulumi-random/provider/v4` (a
Terraform-bridged provider), which the Go module proxy on our machines does not serve at any
version (probed 2026-12-02, see e2e/engine/PROBE.md). The real-engine tier still needs secrets from
`random.RandomPassword`, so this project-owned plugin implements the `pulumirpc.ResourceProvider`
gRPC service over the stubs the `pulumi` wheel ships (`pulumi/runtime/proto/provider_pb2_grpc.py`)
for exactly one resource type, `random:index/randomPassword:RandomPassword`:

- Check validates the inputs (length >= 1 and >= the sum of the min_* counts; some character set
  enabled) and fills the provider's defaults (special/upper/lower/numeric/number true, min_* 0);
- Diff: every input (length, special, upper, lower, number, numeric, min_*, overrideSpecial,
  keepers) forces a replacement, as in the real provider;
- Create draws the password with `secrets` (min_* characters from each set first, the rest from
  every enabled set, then a shuffle; `overrideSpecial` replaces the default special characters
  `!@#$%&*()-_=+[]{}<>:?`) and returns `result` and `bcryptHash` (cost 10, when the `bcrypt` module
  is importable, else an empty string) as secret outputs; id "none" like the real provider;
- Read returns the stored state; Delete forgets it; Configure/CheckConfig/DiffConfig accept any
  provider config.

Other resource types and functions fail with a clear error. GetPluginInfo reports the version the
installed `pulumi-random` wheel requests (its `pulumi-plugin.json`), so the engine matches it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import signal
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

PASSWORD = "random:index/randomPassword:RandomPassword"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
MAX_MESSAGE = 400 * 1024 * 1024
DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()
DIGITS = "0123456789"
BOOL_DEFAULTS = {"special": True, "upper": True, "lower": True, "number": True, "numeric": True}
INT_DEFAULTS = {"minLower": 0, "minNumeric": 0, "minSpecial": 0, "minUpper": 0}
INPUTS = ("length", *BOOL_DEFAULTS, *INT_DEFAULTS, "overrideSpecial", "keepers")
FALLBACK_VERSION = "4.21.4"


def plugin_version() -> str:
    if os.environ.get("LLMOPS_RANDOM_STANDIN_VERSION"):
        return os.environ["LLMOPS_RANDOM_STANDIN_VERSION"]
    spec = importlib.util.find_spec("pulumi_random")
    if spec is not None and spec.origin:
        pj = Path(spec.origin).parent / "pulumi-plugin.json"
        if pj.exists():
            return json.loads(pj.read_text()).get("version", FALLBACK_VERSION)
    return FALLBACK_VERSION


# ---------------------------------------------------------------------------------------------
# Property values


def to_py(s: struct_pb2.Struct) -> dict:
    return json_format.MessageToDict(s) if s is not None else {}


def to_struct(d: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(d)
    return s


def is_secret(v) -> bool:
    return isinstance(v, dict) and v.get(SECRET_SIG_KEY) == SECRET_SIG


def plain(v):
    """Strip secret wrappers (the engine sends them because we accept secrets)."""
    if is_secret(v):
        return plain(v.get("value"))
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def has_unknown(v) -> bool:
    if v == UNKNOWN:
        return True
    if isinstance(v, dict):
        return any(has_unknown(x) for x in v.values())
    if isinstance(v, list):
        return any(has_unknown(x) for x in v)
    return False


def secret(v) -> dict:
    return {SECRET_SIG_KEY: SECRET_SIG, "value": v}


# ---------------------------------------------------------------------------------------------
# The password


def with_defaults(news: dict) -> dict:
    out = dict(news)
    for k, v in BOOL_DEFAULTS.items():
        out.setdefault(k, v)
    for k, v in INT_DEFAULTS.items():
        out.setdefault(k, v)
    return out


def check_failures(inputs: dict) -> list[tuple[str, str]]:
    p = plain(inputs)
    fails = []
    length = p.get("length")
    if length is None:
        return [("length", "Missing required argument: length")]
    if length == UNKNOWN:
        return []
    if not isinstance(length, (int, float)) or int(length) != length or length < 1:
        fails.append(("length", f"length must be an integer >= 1, got {length!r}"))
        return fails
    mins = 0
    for k in INT_DEFAULTS:
        v = p.get(k, 0)
        if v == UNKNOWN:
            return fails
        if not isinstance(v, (int, float)) or int(v) != v or v < 0:
            fails.append((k, f"{k} must be an integer >= 0, got {v!r}"))
        else:
            mins += int(v)
    if mins > length:
        fails.append(
            ("length", f"length ({int(length)}) must be >= the sum of the min_* counts ({mins})")
        )
    if not fails and mins < length and not charset(p):
        fails.append(
            ("special", "no character set is enabled (special, upper, lower, numeric all false)")
        )
    return fails


def charset(p: dict) -> str:
    special_chars = p.get("overrideSpecial") or DEFAULT_SPECIAL
    chars = ""
    if p.get("lower", True):
        chars += LOWER
    if p.get("upper", True):
        chars += UPPER
    if p.get("numeric", True) and p.get("number", True):
        chars += DIGITS
    if p.get("special", True):
        chars += special_chars
    return chars


def generate(p: dict) -> str:
    special_chars = p.get("overrideSpecial") or DEFAULT_SPECIAL
    out = []
    # As in the real provider, the min_* counts draw from their set whatever the set's flag.
    for key, pool in (
        ("minLower", LOWER),
        ("minUpper", UPPER),
        ("minNumeric", DIGITS),
        ("minSpecial", special_chars),
    ):
        out += [secrets.choice(pool) for _ in range(int(p.get(key, 0)))]
    rest = int(p["length"]) - len(out)
    pool = charset(p)
    out += [secrets.choice(pool) for _ in range(rest)]
    secrets.SystemRandom().shuffle(out)
    return "".join(out)


def bcrypt_hash(password: str) -> str:
    try:
        import bcrypt
    except ImportError:
        return ""
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=10)).decode()


def outputs(p: dict, result, bhash) -> dict:
    numeric = bool(p.get("numeric", True) and p.get("number", True))
    out = {k: p[k] for k in INPUTS if k in p}
    out["numeric"] = numeric
    out["number"] = numeric
    out["result"] = secret(result)
    out["bcryptHash"] = secret(bhash)
    return out


# ---------------------------------------------------------------------------------------------
# The service


def urn_type(urn: str) -> str:
    # urn:pulumi:<stack>::<project>::<qualified type>::<name>
    parts = urn.split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else ""


class RandomProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self):
        self.version = plugin_version()

    def _require_password(self, urn: str, context) -> None:
        t = urn_type(urn)
        if t != PASSWORD:
            context.abort(
                grpc.StatusCode.UNIMPLEMENTED,
                f"the stand-in random provider (e2e/engine/fallbacks/pulumi_resource_random.py) "
                f"implements only {PASSWORD}, not {t}",
            )

    def Handshake(self, request, context):
        return provider_pb2.ProviderHandshakeResponse(accept_secrets=True, accept_resources=True)

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=self.version)

    def GetSchema(self, request, context):
        schema = {
            "name": "random",
            "version": self.version,
            "description": "stand-in random provider of pulumi-llmops' real-engine tier",
            "resources": {
                PASSWORD: {
                    "inputProperties": {
                        "length": {"type": "integer"},
                        **{k: {"type": "boolean"} for k in BOOL_DEFAULTS},
                        **{k: {"type": "integer"} for k in INT_DEFAULTS},
                        "overrideSpecial": {"type": "string"},
                        "keepers": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                    "requiredInputs": ["length"],
                    "properties": {
                        "result": {"type": "string", "secret": True},
                        "bcryptHash": {"type": "string", "secret": True},
                    },
                }
            },
        }
        return provider_pb2.GetSchemaResponse(schema=json.dumps(schema))

    def CheckConfig(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request, context):
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=True
        )

    def Check(self, request, context):
        self._require_password(request.urn, context)
        news = with_defaults(to_py(request.news))
        fails = [provider_pb2.CheckFailure(property=k, reason=r) for k, r in check_failures(news)]
        return provider_pb2.CheckResponse(inputs=to_struct(news), failures=fails)

    def Diff(self, request, context):
        self._require_password(request.urn, context)
        olds = plain(to_py(request.old_inputs) or to_py(request.olds))
        news = plain(to_py(request.news))
        changed = [k for k in INPUTS if has_unknown(news.get(k)) or olds.get(k) != news.get(k)]
        if not changed:
            return provider_pb2.DiffResponse(
                changes=provider_pb2.DiffResponse.DIFF_NONE, hasDetailedDiff=True
            )
        detailed = {
            k: provider_pb2.PropertyDiff(
                kind=provider_pb2.PropertyDiff.UPDATE_REPLACE, inputDiff=True
            )
            for k in changed
        }
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME,
            replaces=changed,
            diffs=changed,
            detailedDiff=detailed,
            hasDetailedDiff=True,
        )

    def Create(self, request, context):
        self._require_password(request.urn, context)
        props = to_py(request.properties)
        p = plain(props)
        if request.preview or has_unknown(p):
            out = outputs(p, UNKNOWN, UNKNOWN)
            return provider_pb2.CreateResponse(id="", properties=to_struct(out))
        fails = check_failures(p)
        if fails:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "; ".join(r for _, r in fails))
        result = generate(p)
        return provider_pb2.CreateResponse(
            id="none", properties=to_struct(outputs(p, result, bcrypt_hash(result)))
        )

    def Read(self, request, context):
        self._require_password(request.urn, context)
        return provider_pb2.ReadResponse(
            id=request.id, properties=request.properties, inputs=request.inputs
        )

    def Update(self, request, context):
        # Every input forces a replacement, so the engine never updates in place; keep the state.
        self._require_password(request.urn, context)
        olds = to_py(request.olds)
        news = plain(to_py(request.news))
        out = dict(olds)
        out.update({k: v for k, v in news.items() if k in INPUTS})
        return provider_pb2.UpdateResponse(properties=to_struct(out))

    def Delete(self, request, context):
        self._require_password(request.urn, context)
        return empty_pb2.Empty()

    def Cancel(self, request, context):
        return empty_pb2.Empty()

    def Invoke(self, request, context):
        context.abort(
            grpc.StatusCode.UNIMPLEMENTED,
            f"the stand-in random provider has no function {request.tok}",
        )


# ---------------------------------------------------------------------------------------------
# Main


def watch_parent(server: grpc.Server) -> None:
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            server.stop(0)
            os._exit(0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="pulumi-resource-random")
    ap.add_argument("--tracing", default="")
    ap.add_argument("-v", type=int, default=0)
    ap.add_argument("--logtostderr", action="store_true")
    ap.add_argument("--logflow", action="store_true")
    ap.add_argument("engine", nargs="?", default="")
    ap.parse_known_args(argv)

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
        ],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(RandomProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    def stop(signum, frame):
        server.stop(0)
        os._exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=watch_parent, args=(server,), daemon=True).start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main())
