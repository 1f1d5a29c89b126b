"""The classic CNN builders: parameter counts equal the published ones, and the shapes flow.

torchvision cannot be installed beside the pinned torch 2.13.0 CPU build on these machines (its
PyPI wheel fails to import there), so the reference is the published counts, which are the ones
torchvision documents for its models of the same names.
"""
import pytest
import torch

from seqlab.models.classic_cnns import BUILDERS, PUBLISHED_PARAMETERS, count_parameters

SIDE = {"lenet5": 32}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_parameter_count_is_the_published_one(name):
    with torch.device("meta"):                 # no memory for VGG-16's 138 M weights
        model = BUILDERS[name]()
    assert count_parameters(model) == PUBLISHED_PARAMETERS[name]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_images_flow_to_class_scores(name):
    with torch.device("meta"):
        model = BUILDERS[name](num_classes=7)
        channels = 1 if name == "lenet5" else 3
        side = SIDE.get(name, 224)
        assert model(torch.zeros(2, channels, side, side)).shape == (2, 7)


def test_a_small_resnet_computes_on_real_tensors():
    model = BUILDERS["resnet18"](num_classes=3).eval()
    out = model(torch.ones(1, 3, 32, 32))
    assert out.shape == (1, 3) and torch.isfinite(out).all()
