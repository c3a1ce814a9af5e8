"""List pages under load, each against a minimal list view served by the same gunicorn.

1. Prepare a throw-away database with the demo generator (default 100,000 enterprises and
   400,000 annual reports): SQLite under var/bench/ (kept between runs — loading again adds
   nothing), or the database of DATABASE_URL when it is set (e.g. a scratch PostgreSQL).
2. Start gunicorn on a free loopback port (never 8000) with that database, DEBUG off.
3. Send a bounded number of GET requests from a thread pool (http.client, one connection per
   request — gunicorn's sync workers close it anyway) to
   (a) /enterprises/          as the seeded city staff user (session cookie),
   (b) /api/v1/enterprises/   the same user,
   (c) /healthz               the bare endpoint (no cookie, no database),
   (c') /healthz with the session cookie (what session + idle-timeout middleware cost),
   (m) /bench/minimal/enterprises/ — the baseline: a plain Django view (bench/minimal_wsgi.py)
       running the enterprise list's three queries (page, count, chains) and writing the same
       50 rows as plain HTML, no template engine — and the other list pages
       (annual reports, 科技型中小企业 registrations, reported values, jobs, notices);
   print throughput, p50/p95 latency, each one's ratio to (c) and its throughput as a share of
   (m)'s (the target: every list page ≥ 50 %).

Run: ``python bench/run.py lists`` or ``python bench/bench_lists.py --requests 300``.
Results are also written to var/bench/bench_lists.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _common import ROOT, percentile

HOST = "127.0.0.1"
CITY_STAFF = "city_staff"  # a demo login created by manage.py seed

SESSION_SCRIPT = """
import django, importlib, sys
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
user = get_user_model().objects.get(username=sys.argv[1])
store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(settings.SESSION_COOKIE_NAME, store.session_key)
"""
COUNT_SCRIPT = """
import django
django.setup()
from kechuang.orgs.models import Organisation
print(Organisation.objects.filter(kind="enterprise").count())
"""


@dataclass
class Endpoint:
    label: str
    path: str
    cookie: bool
    accept: str = "text/html"


@dataclass
class Result:
    label: str
    path: str
    requests: int
    seconds: float
    throughput: float  # requests per second
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_bytes: int
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0


MINIMAL = "(m) minimal list view"
ENDPOINTS = [
    Endpoint("(c) bare /healthz", "/healthz", cookie=False, accept="text/plain"),
    Endpoint("(c') /healthz + session", "/healthz", cookie=True, accept="text/plain"),
    Endpoint(MINIMAL, "/bench/minimal/enterprises/", cookie=True),
    Endpoint("(a) enterprise list page", "/enterprises/", cookie=True),
    Endpoint("(a2) annual reports", "/enterprises/reports/", cookie=True),
    Endpoint("(a3) tech SME registrations", "/cultivation/registrations/", cookie=True),
    Endpoint("(a3') HNTE certificates", "/cultivation/certificates/", cookie=True),
    Endpoint("(a4) reported values", "/reported/", cookie=True),
    Endpoint("(a5) jobs", "/jobs/", cookie=True),
    Endpoint("(a6) notices", "/notices/", cookie=True),
    Endpoint("(a7) candidate pool", "/cultivation/candidates/", cookie=True),
    Endpoint("(a8) assessment results", "/assessment/results/", cookie=True),
    Endpoint("(a9) import runs", "/imports/", cookie=True),
    Endpoint("(b) API enterprise list", "/api/v1/enterprises/", cookie=True,
             accept="application/json"),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench_lists", description=__doc__.splitlines()[0])
    p.add_argument("--enterprises", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--requests", type=int, default=200, help="measured requests per endpoint")
    p.add_argument("--warmup", type=int, default=10, help="unmeasured requests per endpoint")
    p.add_argument("--concurrency", type=int, default=4, help="client threads")
    p.add_argument("--rounds", type=int, default=5,
                   help="interleaved rounds (each endpoint gets --requests ÷ rounds per round)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument("--fresh", action="store_true",
                   help="delete the SQLite benchmark database first (not with DATABASE_URL)")
    p.add_argument("--var-dir", default=str(ROOT / "var" / "bench"))
    return p.parse_args(argv)


def _env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "KECHUANG_VAR_DIR": str(var_dir),  # SQLite file, static files and media live here
        "DJANGO_SETTINGS_MODULE": "kechuang.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "False",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                    env.get("PYTHONPATH", "")])),
    })
    return env


def _manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    cmd = [sys.executable, str(ROOT / "manage.py"), *args]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True,
                         stdout=subprocess.PIPE if capture else None)
    return out.stdout or ""


def _python(env: dict[str, str], script: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=ROOT, check=True,
                          text=True, stdout=subprocess.PIPE).stdout.strip()


def _static_outdated(manifest: Path) -> bool:
    """collectstatic (whitenoise compression: ~30 s) only when a source file is newer."""
    if not manifest.exists():
        return True
    newest = max((f.stat().st_mtime for d in (ROOT / "src" / "kechuang").glob("*/static")
                  for f in d.rglob("*") if f.is_file()), default=0.0)
    return newest > manifest.stat().st_mtime


def prepare(args: argparse.Namespace, env: dict[str, str]) -> tuple[str, float]:
    """Database with the demo data; returns (a description, seconds spent loading)."""
    var_dir = Path(env["KECHUANG_VAR_DIR"])
    var_dir.mkdir(parents=True, exist_ok=True)
    using_url = bool(env.get("DATABASE_URL"))
    if args.fresh and not using_url:
        for f in var_dir.glob("kechuang.sqlite3*"):
            f.unlink()
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v0")
    if _static_outdated(var_dir / "static" / "staticfiles.json"):
        _manage(env, "collectstatic", "--noinput", "-v0")  # DEBUG off: needs the manifest
    _manage(env, "seed", "-v0", capture=True)
    have = int(_python(env, COUNT_SCRIPT))
    if have < args.enterprises:
        print(f"loading demo data: {args.enterprises} enterprises (have {have}) …", flush=True)
        _manage(env, "demo", "--enterprises", str(args.enterprises), "--seed", str(args.seed))
    where = env["DATABASE_URL"].split("@")[-1] if using_url else str(var_dir / "kechuang.sqlite3")
    return where, time.perf_counter() - started


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port != 8000:
            return port


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "minimal_wsgi:application", "--pythonpath", str(ROOT / "bench"),
           "--bind", f"{HOST}:{port}",
           "--workers", str(workers), "--log-level", "warning", "--timeout", "120"]
    fh = open(log, "w", encoding="utf-8")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {log}")
        try:
            if _get(port, "/healthz", None, "text/plain")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"gunicorn did not answer on port {port}; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()  # the gunicorn master stops its workers
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _get(port: int, path: str, cookie: str | None, accept: str) -> tuple[int, int, float]:
    headers = {"Accept": accept, "Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    return resp.status, len(body), time.perf_counter() - started


def measure_all(port: int, endpoints: list[Endpoint], cookie: str,
                args: argparse.Namespace) -> list[Result]:
    """Every endpoint in ``--rounds`` interleaved rounds, so that load from elsewhere on the
    machine falls on all of them alike and the ratios between them hold."""
    for ep in endpoints:
        for _ in range(args.warmup):
            _get(port, ep.path, cookie if ep.cookie else None, ep.accept)
    samples: dict[str, list[tuple[int, int, float]]] = {ep.label: [] for ep in endpoints}
    seconds: dict[str, float] = dict.fromkeys(samples, 0.0)
    per_round = max(1, args.requests // args.rounds)
    for _round in range(args.rounds):
        for ep in endpoints:
            cookie_header = cookie if ep.cookie else None

            def one(_: int, ep: Endpoint = ep, cookie_header: str | None = cookie_header
                    ) -> tuple[int, int, float]:
                try:
                    return _get(port, ep.path, cookie_header, ep.accept)
                except OSError:
                    return 0, 0, 0.0

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                samples[ep.label] += pool.map(one, range(per_round))
            seconds[ep.label] += time.perf_counter() - started
    return [_result(ep, samples[ep.label], seconds[ep.label]) for ep in endpoints]


def _result(ep: Endpoint, samples: list[tuple[int, int, float]], seconds: float) -> Result:
    latencies = [s[2] for s in samples if s[0]]
    statuses = Counter(str(s[0]) for s in samples)
    return Result(
        label=ep.label, path=ep.path, requests=len(samples), seconds=round(seconds, 3),
        throughput=round(len(samples) / seconds, 1),
        p50_ms=round(percentile(latencies, 0.5) * 1000, 1) if latencies else math.nan,
        p95_ms=round(percentile(latencies, 0.95) * 1000, 1) if latencies else math.nan,
        max_ms=round(max(latencies) * 1000, 1) if latencies else math.nan,
        mean_bytes=sum(s[1] for s in samples) // max(1, len(samples)),
        statuses=dict(statuses),
        errors=sum(1 for s in samples if not 200 <= s[0] < 300))


def report(results: list[Result]) -> str:
    base = results[0]
    minimal = next((r for r in results if r.label == MINIMAL), None)
    head = (f"{'endpoint':<30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
            f"{'bytes':>8} {'p95 ×bare':>10} {'req/s ÷':>8} {'% of (m)':>9}  status")
    lines = [head, "-" * len(head)]
    for r in results:
        p95_ratio = r.p95_ms / base.p95_ms if base.p95_ms else math.nan
        rps_ratio = base.throughput / r.throughput if r.throughput else math.nan
        share = (f"{100 * r.throughput / minimal.throughput:>8.0f}%"
                 if minimal and minimal.throughput else f"{'':>9}")
        status = ", ".join(f"{k}×{v}" for k, v in sorted(r.statuses.items()))
        lines.append(f"{r.label:<30} {r.throughput:>8.1f} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} "
                     f"{r.max_ms:>8.1f} {r.mean_bytes:>8} {p95_ratio:>10.1f} {rps_ratio:>8.1f}"
                     f" {share}  {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    var_dir = Path(args.var_dir).resolve()
    env = _env(var_dir)
    where, load_seconds = prepare(args, env)
    name, key = _python(env, SESSION_SCRIPT, CITY_STAFF).split()
    cookie = f"{name}={key}"
    port = free_port()
    proc = start_server(env, port, args.workers, var_dir / "gunicorn.log")
    try:
        results = measure_all(port, ENDPOINTS, cookie, args)
    finally:
        stop_server(proc)
    print(f"database: {where} ({args.enterprises} enterprises; prepared in {load_seconds:.1f} s)")
    print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}; client: {args.concurrency} "
          f"threads, {args.requests} requests per endpoint in {args.rounds} interleaved rounds "
          f"after {args.warmup} warm-up")
    print(report(results))
    print("ratios: 'p95 ×bare' = p95 latency ÷ bare p95; 'req/s ÷' = bare throughput ÷ this one;"
          " '% of (m)' = this throughput as a share of the minimal list view's (target ≥ 50 %)")
    out = var_dir / "bench_lists.json"
    out.write_text(json.dumps({"database": where, "enterprises": args.enterprises,
                               "args": vars(args), "results": [asdict(r) for r in results]},
                              ensure_ascii=False, indent=2), encoding="utf-8")
    bad = [r.label for r in results if r.errors]
    if bad:
        print(f"non-2xx answers from: {', '.join(bad)} (see the status column)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
