import numpy as np
import torch

import seqlab
from seqlab import layers


def test_model_input_shape_is_read_as_keras_channels_last_for_images(tmp_path):
    model = seqlab.Sequential([layers.Conv2D(4, (3, 3)), layers.Flatten(), layers.Dense(2)], input_shape=(8, 8, 1))
    assert "(None, 6, 6, 4)" in model.summary()
    x = torch.randn(3, 8, 8, 1)  # a Keras-layout batch goes in as it is
    y = model.eval()(x)
    assert y.shape == (3, 2)
    model.save(tmp_path / "m")
    np.testing.assert_allclose(seqlab.load(tmp_path / "m")(x).detach().numpy(), y.detach().numpy(), atol=1e-6)


def test_mask_from_embedding_reaches_the_recurrent_layer():
    model = seqlab.Sequential([layers.Embedding(20, 4, mask_zero=True), layers.LSTM(3)], seed=0).eval()
    ids = torch.tensor([[5, 6, 7]])
    padded = torch.tensor([[5, 6, 7, 0, 0]])
    torch.testing.assert_close(model(ids), model(padded))
