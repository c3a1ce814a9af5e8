"""Schemathesis against a live server: the served behaviour matches docs/openapi.yaml.

Unlike test_api_fuzz (in-process, valid requests only), this runs the ``schemathesis`` command
over real HTTP against pytest-django's live server with positive *and* negative data and
every check: a valid request the server rejects, an invalid one it accepts, an undocumented
status code or body shape each fail the run. The example budget keeps it bounded (well
under 90 s on two cores); the seed makes a failure reproducible.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("schemathesis")

SCHEMA = Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml"
MAX_EXAMPLES = 4
# POST /auth/token: fuzzed usernames and passwords would only exercise the login throttle;
# DELETE /auth/token would revoke the token the run uses. Both are covered in-process.
EXCLUDE_PATH = "/api/v1/auth/token"
# A schema can say what a well-formed body is, not whether the enterprise it names exists in
# the caller's county, whether a credit code's check character is right, or whether figures
# agree with each other (科技人员 ≤ 职工). So a well-formed *write* may still be refused with
# a 400 that names the field; every query parameter, by contrast, must be accepted exactly
# as declared, and every malformed request refused, on every operation.
# Time: the coverage phase (every boundary and every violation of every constraint) runs on
# reads and deletes; on a write's body — 25 figures of an annual report, three methods — it
# would take the run well past 90 s on two cores, so bodies get the fuzzing phase (valid and
# invalid data, more examples for writes) instead. Two runs: schemathesis 4.32 ended silently
# after the coverage phase when a per-operation override switched coverage off.
CONFIG = """
# methods a path does not have: the ones that change something, and TRACE
phases.coverage.unexpected-methods = ["post", "put", "patch", "delete", "trace"]

[[operations]]
include-method-regex = "^(POST|PUT|PATCH)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
generation.max-examples = 12
"""
RUNS = {
    "coverage": ["--phases", "examples,coverage", "--include-method-regex", "^(GET|DELETE)$"],
    "fuzzing": ["--phases", "fuzzing"],
}
SUMMARY = re.compile(r"^=+ (?P<result>.*) in [0-9.]+s =+$", re.M)


def _token(base_url: str) -> str:
    body = json.dumps({"username": "county_a_staff", "password": "Kc-test-Pass-2025"}).encode()
    req = urllib.request.Request(f"{base_url}/api/v1/auth/token", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - the test's own server
        return json.load(resp)["token"]


@pytest.mark.django_db(transaction=True)
def test_live_server_conforms_to_the_schema_with_negative_data(
        live_server, users, report_a, report_b, tmp_path):
    token = _token(live_server.url)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    for name, phase_args in RUNS.items():
        cmd = [
            str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config),
            "run", str(SCHEMA),
            "--url", live_server.url,
            "--header", f"Authorization: Token {token}",
            "--mode", "all",
            "--checks", "all",
            *phase_args,
            "--max-examples", str(MAX_EXAMPLES),
            "--seed", "20251204",
            "--workers", "1",
            "--request-timeout", "10",
            "--exclude-path", EXCLUDE_PATH,
            "--suppress-health-check", "all",
            "--no-color",
        ]
        log = tmp_path / f"schemathesis-{name}.log"
        with log.open("w") as out:
            result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, text=True,
                                    timeout=600, cwd=tmp_path, check=False)
        text = log.read_text()
        summary = SUMMARY.search(text)
        assert result.returncode == 0 and summary, f"{name} run:\n{text[-20000:]}"
        assert "failure" not in summary["result"] and "error" not in summary["result"], text
