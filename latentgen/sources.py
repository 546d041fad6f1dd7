"""What is known of each named data source before it is loaded: sample shape (C, H, W), number of
classes, and training-set size. Torch-free, so the API can check uploads and jobs against it
without loading data (latentgen.data loads the sources; tests keep the two in step)."""

from __future__ import annotations

from typing import Any

DIGITS_IMAGES = 1797  # scikit-learn's bundled 8×8 digits
DIGITS_TEST_SIZE = 397

_FIXED = {
    "mnist": {"sample_shape": [1, 28, 28], "num_classes": 10, "n_train": 60000, "n_test": 10000},
    "fashion_mnist": {"sample_shape": [1, 28, 28], "num_classes": 10, "n_train": 60000, "n_test": 10000},
    "cifar10": {"sample_shape": [3, 32, 32], "num_classes": 10, "n_train": 50000, "n_test": 10000},
    "cifar100": {"sample_shape": [3, 32, 32], "num_classes": 100, "n_train": 50000, "n_test": 10000},
}


def source_facts(source: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """{sample_shape, num_features, num_classes, n_train, n_test, input_dtype}, as far as they are known without
    reading the data (an imagefolder's classes and sizes are not; its shape only with image_size)."""
    options = options or {}
    if source == "digits":
        test = int(options.get("test_size", DIGITS_TEST_SIZE))
        facts = {"sample_shape": [1, 8, 8], "num_classes": 10, "n_train": DIGITS_IMAGES - test, "n_test": test}
    elif source == "imagefolder":
        size = options.get("image_size")
        facts = {"sample_shape": [3, int(size), int(size)]} if size else {}
    else:
        facts = dict(_FIXED.get(source, {}))
    # the loaders' own types: digits come as floats already in [0, 1], the image sources as bytes
    facts["input_dtype"] = "float32" if source == "digits" else "uint8"
    if "sample_shape" in facts:
        n = 1
        for s in facts["sample_shape"]:
            n *= s
        facts["num_features"] = n
    return facts
