"""Every assembled model takes ``seed=``: its initial weights come from ``make_generator(seed)``,
are the same for the same seed, leave torch's global RNG untouched, and equal what the model drew
from the global generator right after ``torch.manual_seed(seed)`` (how tasks seeded it before), so
moving a task from reseeding to ``seed=`` changes no number."""
import numpy as np
import pytest
import torch

from seqlab.models.autoencoders import AutoencoderConfig, AutoencoderNet
from seqlab.models.classifiers import ClassifierConfig, ClassifierNet
from seqlab.models.forecasting import NETWORKS, NetworkConfig, build_network
from seqlab.models.gan import GANConfig, GANNet
from seqlab.models.language import BACKBONES, LanguageModel, LanguageModelConfig
from seqlab.models.seq2seq import Seq2SeqConfig, Seq2SeqModel
from seqlab.models.timegan import TimeGANConfig, TimeGANNet
from seqlab.models.vae import VAEConfig, VAENet
from seqlab.nn.seeding import isolated_rng

BUILDERS = {
    **{f"autoencoder-{kind}": (lambda kind=kind, shape=shape, seed=None: AutoencoderNet(
        AutoencoderConfig(kind=kind, input_shape=shape, code_size=3), seed=seed))
       for kind, shape in (("dense", (12,)), ("conv", (1, 8, 8)), ("lstm", (6, 2)))},
    "vae": lambda seed=None: VAENet(VAEConfig(input_dim=6, latent_dim=2, hidden=(8,)), seed=seed),
    **{f"gan-{arch}": (lambda arch=arch, shape=shape, seed=None: GANNet(
        GANConfig(arch=arch, sample_shape=shape, latent_dim=3, units=4), seed=seed))
       for arch, shape in (("dense", (4,)), ("lstm", (5,)), ("rnn", (5, 2)), ("dcgan", (1, 8, 8)))},
    "timegan": lambda seed=None: TimeGANNet(TimeGANConfig(seq_len=6, features=2, hidden=4, num_layers=2),
                                            seed=seed),
    **{f"forecast-{arch}": (lambda arch=arch, seed=None: build_network(
        NetworkConfig(arch, lookback=6, features=2, horizon=2, outputs=1, units=4, dropout=0.1), seed=seed))
       for arch in NETWORKS},
    **{f"classifier-{enc}": (lambda enc=enc, seed=None: ClassifierNet(ClassifierConfig(
        n_classes=3, encoder=enc, vocab_size=30, units=4, filters=[4, 4, 4], kernel_sizes=[3, 3, 3],
        num_heads=2), seed=seed))
       for enc in ("lstm", "bilstm", "stacked_lstm", "cnn_lstm", "textcnn", "transformer", "bag_of_embeddings")},
    **{f"seq2seq-{model}-{att}": (lambda model=model, att=att, bi=bi, seed=None: Seq2SeqModel(Seq2SeqConfig(
        src_vocab_size=11, tgt_vocab_size=9, model=model, attention=att, units=8, num_heads=2,
        intermediate_dim=8, num_layers=1, bidirectional=bi), seed=seed))
       for model, att, bi in (("lstm", "additive", False), ("gru", "dot", True), ("transformer", "none", False))},
    **{f"language-{bb}": (lambda bb=bb, seed=None: LanguageModel(LanguageModelConfig(
        bb, vocab_size=10, block_size=8, n_embd=8, units=8, n_head=2), seed=seed))
       for bb in BACKBONES},
}


def state(net) -> list[np.ndarray]:
    return [v.detach().numpy().copy() for v in net.state_dict().values()]


def same(a, b) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_seed_gives_the_weights_of_a_seeded_global_generator_and_leaves_the_global_rng_alone(name):
    build = BUILDERS[name]
    before = torch.random.get_rng_state()
    seeded = state(build(seed=5))
    assert torch.equal(torch.random.get_rng_state(), before)
    assert same(seeded, state(build(seed=5)))
    with isolated_rng(5):  # the old way: reseed the global generator, then build
        assert same(seeded, state(build()))
