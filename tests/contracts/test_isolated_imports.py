"""Every module of the package imports on its own, first, in an interpreter that holds no seqlab.

An import cycle hidden by import order (``a`` imports ``b`` imports ``a``) breaks when the "wrong"
module of the cycle is imported first; importing each module first, in isolation, finds it.

One fresh interpreter loads the third-party libraries once, then forks a child per seqlab module
that imports just that module (so the check takes seconds, not one interpreter start per module).
"""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import seqlab

PACKAGE_DIR = Path(seqlab.__file__).parent

CHILD = textwrap.dedent('''
    import importlib, json, os, sys, traceback, warnings
    import matplotlib, numpy, pandas, safetensors, sklearn, torch, tqdm  # third-party, loaded once
    matplotlib.use("Agg")
    results = {}
    for name in json.loads(sys.argv[1]):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:                       # child: nothing of seqlab is loaded yet
            os.close(read)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    importlib.import_module(name)
                message = ""
            except BaseException:
                message = traceback.format_exc(limit=-3)
            os.write(write, message.encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as f:
            message = f.read().decode()
        os.waitpid(pid, 0)
        results[name] = message
    print(json.dumps(results))
''')


def package_modules() -> list[str]:
    """Every module and package of seqlab, found on disk (nothing is imported to find them)."""
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] != "__main__":
            names.append(".".join(parts))
    return names


def test_every_module_imports_first_and_alone():
    modules = package_modules()
    assert len(modules) > 100 and "seqlab.tasks.forecasting.forecaster" in modules
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(modules)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sorted(results) == sorted(modules)
    failed = {name: message for name, message in results.items() if message}
    assert not failed, "\n".join(f"{name}:\n{message}" for name, message in failed.items())
    print(f"{len(modules)} modules imported first and alone")


def test_the_check_finds_a_cycle(tmp_path):
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc.b import B\nA = 1\n")
    (pkg / "b.py").write_text("from cyc.a import A\nB = 1\n")
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(["cyc", "cyc.a", "cyc.b"])], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert results["cyc"] == "" and "ImportError" in results["cyc.a"] and "ImportError" in results["cyc.b"]
