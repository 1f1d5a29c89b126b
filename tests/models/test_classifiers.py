"""Classifier networks: masking, parameter counts from the seeds, batch norm against torch.nn."""
import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.classifiers import (
    ENCODERS,
    TAGGER_ENCODERS,
    ClassifierConfig,
    ClassifierNet,
    EnsembleNet,
    MaskedBatchNorm,
    pack_series,
    recalibrate_batch_norm,
)

SMALL = dict(units=8, embedding_dim=8, filters=[4, 6, 4], kernel_sizes=[3, 3, 2], num_heads=2, num_layers=1)
TEXT = [e for e in ENCODERS if e not in ("cnn_lstm", "mlp")]
SERIES = [e for e in ENCODERS if e not in ("bag_of_embeddings", "mlp")]


def _net(encoder, **kw):
    torch.manual_seed(0)
    return ClassifierNet(ClassifierConfig(n_classes=3, encoder=encoder, **{**SMALL, **kw})).eval()


@pytest.mark.parametrize("encoder", TEXT)
def test_appending_padding_never_changes_a_text_prediction(encoder):
    net = _net(encoder, vocab_size=30)
    alone = net(torch.tensor([[4, 9, 2]]))
    # the same text padded to the length of a longer neighbour: the padding is really processed
    batch = net(torch.tensor([[4, 9, 2, 0, 0, 0, 0], [5, 6, 7, 8, 1, 3, 2]]))
    torch.testing.assert_close(batch[0], alone[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("encoder", SERIES)
def test_appending_padding_never_changes_a_series_prediction(encoder):
    rng = np.random.default_rng(1)
    short, long = rng.normal(size=(4, 2)).astype(np.float32), rng.normal(size=(9, 2)).astype(np.float32)
    net = _net(encoder, n_features=2)
    alone = net(torch.tensor(pack_series([short])))
    batch = net(torch.tensor(pack_series([short, long])))
    torch.testing.assert_close(batch[0], alone[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("encoder", TAGGER_ENCODERS)
def test_tagger_steps_before_padding_do_not_depend_on_it(encoder):
    # bilstm included: its backward direction starts at the last real step
    rng = np.random.default_rng(2)
    short, long = rng.normal(size=(5, 1)).astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32)
    net = _net(encoder, n_features=1, per_step=True)
    alone = net(torch.tensor(pack_series([short])))
    batch = net(torch.tensor(pack_series([short, long])))
    assert batch.shape == (2, 8, 3)
    torch.testing.assert_close(batch[0, :5], alone[0], rtol=1e-5, atol=1e-6)


def test_seed004_sentiment_model_has_386438_parameters():
    # seed 004: Embedding(5000, 64) + Dropout + LSTM(64, return_sequences) + LSTM(64) + Dense(6) = 386,438
    net = ClassifierNet(ClassifierConfig(n_classes=6, encoder="stacked_lstm", vocab_size=5000, embedding_dim=64,
                                         units=64, dropout=0.5))
    assert sum(p.numel() for p in net.parameters()) == 386_438


def test_seed000_spam_model_parameter_count():
    # seed 000: Embedding(10000, 50) + LSTM(256) + Dense(2): 500,000 + 4*(50+256+1)*256 + 514
    net = ClassifierNet(ClassifierConfig(n_classes=2, encoder="lstm", vocab_size=10000, embedding_dim=50, units=256))
    assert sum(p.numel() for p in net.parameters()) == 500_000 + 4 * (50 + 256 + 1) * 256 + 514


def test_masked_batch_norm_matches_torch_batchnorm_without_padding():
    torch.manual_seed(0)
    x = torch.randn(6, 7, 5)
    ours, ref = MaskedBatchNorm(5), torch.nn.BatchNorm1d(5)
    y = ours(x, torch.ones(6, 7, dtype=torch.bool))
    y_ref = ref(x.transpose(1, 2)).transpose(1, 2)
    torch.testing.assert_close(y, y_ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(ours.running_mean, ref.running_mean)
    torch.testing.assert_close(ours.running_var, ref.running_var)


def test_masked_batch_norm_ignores_padded_steps():
    torch.manual_seed(0)
    x = torch.randn(2, 6, 3)
    mask = torch.tensor([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]], dtype=torch.bool)
    garbage = x.clone()
    garbage[0, 4:] = 1e3
    a, b = MaskedBatchNorm(3), MaskedBatchNorm(3)
    torch.testing.assert_close(a(x, mask)[mask], b(garbage, mask)[mask])
    real = x[mask]  # reference: plain population statistics of the real steps
    torch.testing.assert_close(a.running_mean, 0.1 * real.mean(0))


def test_recalibration_sets_population_statistics():
    net = _net("cnn1d", n_features=1)
    x = pack_series([np.random.default_rng(0).normal(size=(10, 1)).astype(np.float32) for _ in range(12)])
    recalibrate_batch_norm(net, x, batch_size=5)
    h, mask = net.split_input(torch.tensor(x))
    first = net.convs[0](h * mask[..., None])[mask]
    torch.testing.assert_close(net.norms[0].running_mean, first.mean(0).detach(), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(net.norms[0].running_var, first.var(0).detach(), rtol=1e-4, atol=1e-5)


def test_mlp_needs_its_fixed_length():
    net = _net("mlp", n_features=1, length=6)
    assert net(torch.tensor(pack_series([np.ones((6, 1), np.float32)]))).shape == (1, 3)
    with pytest.raises(DataError, match="exactly 6 steps"):
        net(torch.tensor(pack_series([np.ones((4, 1), np.float32), np.ones((6, 1), np.float32)])))


def test_config_rejects_unknown_encoder_and_one_class():
    with pytest.raises(ConfigError, match="unknown encoder"):
        ClassifierConfig(n_classes=2, encoder="resnet")
    with pytest.raises(ConfigError, match="at least 2 classes"):
        ClassifierConfig(n_classes=1)
    with pytest.raises(ConfigError, match="tagger"):
        ClassifierConfig(n_classes=2, encoder="bag_of_embeddings", per_step=True)


@pytest.mark.parametrize("encoder,pooling", [("lstm", "max"), ("bilstm", "max"), ("gru", "mean"),
                                             ("stacked_lstm", "max"), ("bilstm", "max_mean")])
def test_pooled_recurrent_encoders_ignore_padding(encoder, pooling):
    net = _net(encoder, vocab_size=30, pooling=pooling)
    alone = net(torch.tensor([[4, 9, 2]]))
    batch = net(torch.tensor([[4, 9, 2, 0, 0, 0, 0], [5, 6, 7, 8, 1, 3, 2]]))
    torch.testing.assert_close(batch[0], alone[0], rtol=1e-5, atol=1e-6)


def _torch_lstm_of(net) -> torch.nn.LSTM:
    """A torch.nn.LSTM(2, 8) holding the net's LSTM weights (Keras layout -> torch: gates i, f, c(g), o in both)."""
    ref = torch.nn.LSTM(2, 8, batch_first=True)
    kernel, recurrent, bias = (torch.as_tensor(w) for w in net.rnn.get_weights())
    with torch.no_grad():
        ref.weight_ih_l0.copy_(kernel.T)
        ref.weight_hh_l0.copy_(recurrent.T)
        ref.bias_ih_l0.copy_(bias)
        ref.bias_hh_l0.zero_()
    return ref


def test_max_pooling_is_the_max_over_time_of_torch_lstm_outputs():
    net = _net("lstm", n_features=2, pooling="max")
    ref = _torch_lstm_of(net)
    x = np.random.default_rng(3).normal(size=(5, 2)).astype(np.float32)
    steps, _ = ref(torch.tensor(x)[None])
    expected = net.head(steps.amax(dim=1))
    torch.testing.assert_close(net(torch.tensor(pack_series([x, np.zeros((9, 2), np.float32)])))[:1], expected,
                               rtol=1e-5, atol=1e-6)


def test_pooling_is_refused_where_it_does_not_apply():
    with pytest.raises(ConfigError, match="pooling"):
        ClassifierConfig(n_classes=2, encoder="cnn1d", pooling="max")
    with pytest.raises(ConfigError, match="unknown pooling"):
        ClassifierConfig(n_classes=2, encoder="lstm", pooling="min")


def test_max_mean_pooling_concatenates_max_and_mean_of_torch_lstm_outputs():
    net = _net("lstm", n_features=2, pooling="max_mean")
    ref = _torch_lstm_of(net)
    x = np.random.default_rng(4).normal(size=(6, 2)).astype(np.float32)
    steps, _ = ref(torch.tensor(x)[None])
    expected = net.head(torch.cat([steps.amax(dim=1), steps.mean(dim=1)], dim=-1))
    torch.testing.assert_close(net(torch.tensor(pack_series([x, np.zeros((10, 2), np.float32)])))[:1], expected,
                               rtol=1e-5, atol=1e-6)


def test_textcnn_is_kims_parallel_convolutions_max_pooled_as_torch_conv1d():
    net = _net("textcnn", vocab_size=30, filters=[4, 5], kernel_sizes=[3, 5])
    ids = torch.tensor([[4, 9, 2, 7, 11, 3]])
    emb = net.embedding(ids).transpose(1, 2)  # (batch, dim, time)
    pooled = []
    for layer, k in zip(net.convs, (3, 5)):
        kernel, bias = (torch.as_tensor(w) for w in layer.get_weights())
        ref = torch.nn.Conv1d(8, kernel.shape[2], k, padding=k // 2)  # odd k: TF 'same' pads k//2 each side
        with torch.no_grad():
            ref.weight.copy_(kernel.permute(2, 1, 0))
            ref.bias.copy_(bias)
        pooled.append(torch.relu(ref(emb)).amax(dim=2))
    expected = net.head(torch.cat(pooled, dim=-1))
    torch.testing.assert_close(net(ids), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ConfigError, match="one filters entry per kernel size"):
        ClassifierNet(ClassifierConfig(n_classes=2, encoder="textcnn", vocab_size=9, filters=[4], kernel_sizes=[3, 4]))


def test_ensemble_probabilities_are_the_mean_of_its_members():
    members = [_net("gru", vocab_size=30), _net("lstm", vocab_size=30)]
    ids = torch.tensor([[4, 9, 2, 0], [5, 6, 7, 8]])
    expected = torch.stack([torch.softmax(m(ids), dim=-1) for m in members]).mean(dim=0)
    torch.testing.assert_close(torch.softmax(EnsembleNet(members)(ids), dim=-1), expected, rtol=1e-5, atol=1e-6)
    assert all(k.startswith(("members.0.", "members.1.")) for k in EnsembleNet(members).state_dict())
