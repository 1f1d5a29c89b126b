"""A global model on a panel under ``torchrun --nproc_per_node=2`` (CPU, gloo): both ranks end with the
same weights, and those of one process trained on the same global batches."""
import textwrap

import numpy as np
from safetensors.numpy import load_file
from support import run_two_ranks_and_one

SCRIPT = textwrap.dedent('''
    import os, sys
    import numpy as np
    import pandas as pd
    from safetensors.numpy import save_file
    from seqlab.tasks.forecasting import Forecaster


    def main(out):
        rng = np.random.default_rng(0)
        frames = [pd.DataFrame({"id": f"s{i}", "t": np.arange(40), "y": 10 + i + rng.normal(size=40).cumsum(),
                                "kind": "ab"[i % 2]}) for i in range(8)]
        f = Forecaster("mlp", target="y", time_col="t", lookback=6, horizon=2, epochs=2, units=8, batch_size=16,
                       static_features="kind", classical=False, seed=0, verbose=0).fit(pd.concat(frames), id_col="id")
        rank = int(os.environ.get("RANK", "0"))
        save_file({k: v.detach().numpy() for k, v in f.network_.state_dict().items()}, f"{out}-{rank}.safetensors")
        f.predict().to_csv(f"{out}-{rank}.csv", index=False)


    if __name__ == "__main__":
        main(sys.argv[1])
''')


def test_two_ranks_train_one_panel_model_to_the_same_weights(tmp_path):
    run_two_ranks_and_one(SCRIPT, tmp_path)
    single, r0, r1 = (load_file(tmp_path / f"{n}.safetensors") for n in ("single-0", "ddp-0", "ddp-1"))
    assert set(r0) == set(single) and len(r0) > 2
    for k in single:
        assert np.array_equal(r0[k], r1[k]), k
        assert np.allclose(r0[k], single[k], atol=1e-5), k
    assert (tmp_path / "ddp-0.csv").read_text() == (tmp_path / "ddp-1.csv").read_text()
