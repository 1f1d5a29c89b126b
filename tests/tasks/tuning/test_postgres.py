"""Two ``seqlab tune`` processes, as on two machines, share one study on a real PostgreSQL server
(Optuna's RDB storage). CI starts the server with ``.ci/start-postgres`` and sets
SEQLAB_TEST_POSTGRES_URL; without it the test is skipped."""
import json
import os
import subprocess
import sys
import uuid

import pytest

URL = os.environ.get("SEQLAB_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="no PostgreSQL server to test against: set SEQLAB_TEST_POSTGRES_URL "
                                                "(bash .ci/start-postgres starts one and prints it)")


def test_two_tune_processes_share_one_study_on_postgresql(tmp_path):
    import optuna

    from seqlab.tasks.tuning.study import open_storage

    name = f"seqlab-test-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "seqlab", "tune", "classify", "italy-power-demand", "--model", "gru",
               "--units", "4", "--epochs", "8", "--trials", "6", "--pruner", "none", "--storage", URL,
               "--study-name", name]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # Optuna creates its tables on first use; two processes doing that at once on a fresh database
    # collide in PostgreSQL's catalogue (seen in CI), so the schema is made once before the workers start.
    open_storage(URL)
    procs = [subprocess.Popen(command + ["--out", str(tmp_path / k)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for k in "ab"]
    results = [p.communicate(timeout=600) for p in procs]
    try:
        for p, (out, err) in zip(procs, results):
            assert p.returncode == 0, err
        trials = optuna.load_study(study_name=name, storage=open_storage(URL)).trials
        numbers = sorted(t.number for t in trials)
        assert numbers == list(range(len(trials))) and 6 <= len(trials) <= 7
        assert all(t.state.name == "COMPLETE" for t in trials)
        workers = {t.user_attrs["worker"] for t in trials}
        assert len(workers) == 2                               # trials came from both processes
        best = [json.loads((tmp_path / k / "metrics.json").read_text())["best_trial"] for k in "ab"]
        values = {t.number: t.value for t in trials}
        assert min(values[b] for b in best) == min(values.values())   # the later to finish saw every trial
    finally:
        optuna.delete_study(study_name=name, storage=open_storage(URL))
