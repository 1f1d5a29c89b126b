"""Two processes under torchrun end with the weights of one process on the same global batches."""
import json
import textwrap

import numpy as np
import torch
from safetensors.numpy import load_file
from support import run_two_ranks_and_one

SCRIPT = textwrap.dedent('''
    import json, os, sys
    import numpy as np
    import torch
    from safetensors.numpy import save_file
    from seqlab.train import Trainer


    def main(out):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        rng = np.random.default_rng(0)
        x = rng.normal(size=(51, 4)).astype(np.float32)   # last global batch of 3 splits 2 + 1
        y = np.tanh(x @ np.array([1.0, -1.0, 0.5, 2.0], np.float32))[:, None]
        t = Trainer(net, loss="mse", optimizer="adam", metrics=["mae"], lr=0.02, clipnorm=1.0, seed=3)
        rows = []
        net.register_forward_hook(lambda m, inp, outp: rows.append(len(inp[0])) if m.training else None)
        h = t.fit(x, y, epochs=3, batch_size=12, verbose=2)
        rank = int(os.environ.get("RANK", "0"))
        save_file({k: v.detach().numpy() for k, v in net.state_dict().items()}, f"{out}-{rank}.safetensors")
        with open(f"{out}-{rank}.json", "w") as f:
            json.dump({"history": h.history, "rows": sum(rows), "net": type(t.net).__name__}, f)


    if __name__ == "__main__":
        main(sys.argv[1])
''')


def test_two_ranks_match_a_single_process_run(tmp_path):
    out = run_two_ranks_and_one(SCRIPT, tmp_path, timeout=180)
    assert out.count("Epoch 3/3") == 1  # only rank 0 logs
    single, r0, r1 = (load_file(tmp_path / f"{n}.safetensors") for n in ("single-0", "ddp-0", "ddp-1"))
    for k in single:
        assert np.array_equal(r0[k], r1[k]), k
        assert np.allclose(r0[k], single[k], atol=1e-5), k
    info = {n: json.loads((tmp_path / f"{n}.json").read_text()) for n in ("single-0", "ddp-0", "ddp-1")}
    assert info["ddp-0"]["net"] == "DistributedDataParallel" and info["single-0"]["net"] == "Sequential"
    # each epoch: 4 batches of 12 split 6 + 6, then 3 split 2 + 1
    assert (info["single-0"]["rows"], info["ddp-0"]["rows"], info["ddp-1"]["rows"]) == (153, 78, 75)
    h_single, h_ddp = info["single-0"]["history"], info["ddp-0"]["history"]
    assert np.allclose(h_single["loss"], h_ddp["loss"], atol=1e-5)
    assert np.allclose(h_single["mae"], h_ddp["mae"], atol=1e-5)
    assert not torch.distributed.is_initialized()
