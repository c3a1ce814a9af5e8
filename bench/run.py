"""Run the benchmarks (``make bench``).

Every ``bench/bench_*.py`` module is a benchmark. A module either lists ``CASES`` —
callables (or ``(name, callable)`` pairs) run and timed one by one — or has a
``main(argv=None)``, which is called with the options given after ``--``.

  python bench/run.py                          # every benchmark
  python bench/run.py lists                    # bench_lists.py only
  python bench/run.py lists -- --requests 500  # options for the selected modules' main()
  python bench/run.py --list                   # what there is
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def discover() -> dict[str, Path]:
    return {p.stem.removeprefix("bench_"): p for p in sorted(BENCH_DIR.glob("bench_*.py"))}


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def run_module(module: ModuleType, argv: list[str]) -> bool:
    """Run one benchmark module; False when it failed."""
    cases = getattr(module, "CASES", None)
    if cases:
        ok = True
        for case in cases:
            label, fn = case if isinstance(case, tuple) else (case.__name__, case)
            started = time.perf_counter()
            try:
                fn()
            except Exception:  # a failing case must not hide the others
                traceback.print_exc()
                ok = False
            print(f"  {label}: {time.perf_counter() - started:.3f} s")
        return ok
    main = getattr(module, "main", None)
    if main is None:
        print(f"  {module.__name__} has neither CASES nor main(); skipped")
        return True
    takes_argv = bool(inspect.signature(main).parameters)
    rc = main(argv) if takes_argv else main()
    return rc in (None, 0, True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, passthrough = argv[:i], argv[i + 1:]
    parser = argparse.ArgumentParser(prog="bench/run.py", description="Run the benchmarks.")
    parser.add_argument("names", nargs="*", help="benchmarks to run (bench_<name>.py)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    for path in (ROOT / "src", ROOT, BENCH_DIR):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    found = discover()
    if args.list:
        print("\n".join(found))
        return 0
    unknown = [n for n in args.names if n not in found]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(found)}")
    failed = []
    for name in args.names or list(found):
        print(f"== {name} ({found[name].relative_to(ROOT)})", flush=True)
        started = time.perf_counter()
        try:
            ok = run_module(load(name, found[name]), passthrough)
        except Exception:
            traceback.print_exc()
            ok = False
        print(f"== {name}: {'ok' if ok else 'FAILED'} in {time.perf_counter() - started:.1f} s\n",
              flush=True)
        if not ok:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
