"""ImageClassifier and its image folder reading / augmentation (seed 003's cats-vs-dogs recipe)."""
import numpy as np
import pytest
import scipy.ndimage
from PIL import Image

import seqlab
from seqlab.data.images import ImageBatches, affine_batch, load_image_folder, random_affine
from seqlab.tasks import Task
from seqlab.tasks.classification.image import ImageClassifier


def stripes(vertical: bool, size: int, rng) -> np.ndarray:
    """An RGB image of stripes (period 4) with noise: vertical and horizontal are the two classes."""
    line = (np.arange(size) // 2 % 2) * 200
    img = np.tile(line, (size, 1)) if vertical else np.tile(line[:, None], (1, size))
    img = img + rng.integers(0, 50, size=(size, size))
    return np.stack([img] * 3, axis=-1).astype(np.uint8)


def make_folder(root, n_per_class=12, size=20, seed=0):
    rng = np.random.default_rng(seed)
    for name, vertical in (("dogs", False), ("cats", True)):
        (root / name).mkdir(parents=True)
        for i in range(n_per_class):
            Image.fromarray(stripes(vertical, size, rng)).save(root / name / f"{name}.{i}.png")
    return root


def test_folder_reading_gives_sorted_classes_and_resized_images(tmp_path):
    make_folder(tmp_path / "train", n_per_class=3)
    (tmp_path / "train" / "cats" / "notes.txt").write_text("not an image; ignored by extension")
    images, labels, classes = load_image_folder(tmp_path / "train", target_size=(16, 12))
    assert classes == ["cats", "dogs"]
    assert images.shape == (6, 16, 12, 3) and images.dtype == np.uint8
    assert labels.tolist() == ["cats"] * 3 + ["dogs"] * 3
    grey, _, _ = load_image_folder(tmp_path / "train", target_size=(8, 8), color_mode="grayscale")
    assert grey.shape == (6, 8, 8, 1)


@pytest.mark.parametrize("shear,zy,zx", [(0.0, 1.0, 1.0), (20.0, 1.0, 1.0), (0.0, 0.8, 1.2), (-15.0, 1.1, 0.85)])
def test_affine_matches_scipy(shear, zy, zx):
    img = np.random.default_rng(0).random((9, 11, 2)).astype(np.float32)
    got = affine_batch(img[None], [shear], [zy], [zx])[0]
    s = np.deg2rad(shear)
    matrix = np.array([[zy, -np.sin(s) * zx], [0.0, np.cos(s) * zx]])
    centre = np.array([(9 - 1) / 2, (11 - 1) / 2])
    offset = centre - matrix @ centre
    for c in range(2):
        want = scipy.ndimage.affine_transform(img[..., c], matrix, offset, order=1, mode="nearest")
        np.testing.assert_allclose(got[..., c], want, atol=1e-5)


def test_augmentation_flips_about_half_and_batches_rescale():
    img = np.arange(2 * 5 * 1, dtype=np.float32).reshape(1, 2, 5, 1).repeat(200, axis=0)
    out = random_affine(img, np.random.default_rng(0), horizontal_flip=True)
    flipped = np.all(out == img[:, :, ::-1], axis=(1, 2, 3))
    assert np.all(flipped | np.all(out == img, axis=(1, 2, 3)))
    assert 70 < flipped.sum() < 130
    batches = ImageBatches(np.full((3, 4, 4, 3), 255, np.uint8), rescale=1 / 255, zoom_range=0.2, seed=0)
    assert len(batches) == 3
    np.testing.assert_allclose(batches[np.array([2, 0])], 1.0, atol=1e-6)  # flat image: any zoom keeps it


def test_learns_stripes_from_a_folder_and_survives_save_load(tmp_path):
    make_folder(tmp_path / "train", n_per_class=16, seed=0)
    make_folder(tmp_path / "test", n_per_class=6, seed=1)
    clf = ImageClassifier(target_size=(20, 20), filters=(8,), units=16, epochs=25, batch_size=8, learning_rate=0.003,
                          shear_range=0.2, zoom_range=0.1, horizontal_flip=True, seed=0)
    clf.fit(tmp_path / "train")
    m = clf.evaluate(*load_image_folder(tmp_path / "test", (20, 20))[:2])
    assert m["accuracy"] >= 0.9
    assert {"precision", "recall", "auc", "mae"} <= set(m)
    clf.save(tmp_path / "model")
    same = Task.load(tmp_path / "model")
    files = sorted((tmp_path / "test" / "cats").glob("*.png"))
    np.testing.assert_allclose(same.predict_proba(files), clf.predict_proba(files), atol=1e-6)
    assert list(same.predict(tmp_path / "test")) == list(clf.predict(tmp_path / "test"))


def test_seed003_network_has_the_listing_shapes():
    x = np.zeros((4, 64, 64, 3), np.uint8)
    clf = ImageClassifier(epochs=1, seed=0).fit(x, ["cat", "dog"] * 2)
    shapes = [l.output_shape_ for l in clf.model_.layers]
    # seed 003: [62, 62, 32] -> [31, 31, 32] -> [29, 29, 32] -> 26912 -> 128 -> 1
    assert shapes == [(32, 62, 62), (32, 31, 31), (32, 29, 29), (26912,), (128,), (1,)]
    assert "(None, 29, 29, 32)" in clf.model_.summary()


def test_seed002_mnist_cnn_is_an_image_classifier_config():
    x = np.zeros((10, 28, 28), np.float32)
    clf = ImageClassifier(filters=(32, 64, 64), units=64, epochs=1, rescale=1.0, shear_range=0, zoom_range=0,
                          horizontal_flip=False, seed=0).fit(x, np.arange(10))
    assert clf.model_.count_params() == 93_322


def test_bad_image_input_is_a_seqlab_error(tmp_path):
    (tmp_path / "flat").mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "flat" / "a.png")
    with pytest.raises(seqlab.SeqlabError, match="no class folders"):
        ImageClassifier().fit(tmp_path / "flat")
    with pytest.raises(seqlab.SeqlabError, match="not found"):
        ImageClassifier().fit(tmp_path / "missing")
    make_folder(tmp_path / "broken", n_per_class=2)
    (tmp_path / "broken" / "cats" / "cat.bad.jpg").write_text("this is not a JPEG")
    with pytest.raises(seqlab.SeqlabError, match="cat.bad.jpg"):
        ImageClassifier().fit(tmp_path / "broken")
    (tmp_path / "empty" / "cats").mkdir(parents=True)
    with pytest.raises(seqlab.SeqlabError, match="holds no images"):
        ImageClassifier().fit(tmp_path / "empty")
    with pytest.raises(seqlab.SeqlabError, match="larger than the padded input"):
        ImageClassifier(kernel_size=5, epochs=1).fit(np.zeros((4, 3, 3)), [0, 1, 0, 1])
    clf = ImageClassifier(target_size=(8, 8), filters=(2,), units=4, epochs=1).fit(
        np.zeros((4, 8, 8, 3)), [0, 1, 0, 1])
    with pytest.raises(seqlab.SeqlabError, match="trained on"):
        clf.predict(np.zeros((2, 9, 9, 3)))
