"""latentgen: find and repair latent generalization in networks that memorized noisy labels.

The science core: label corruption, the paper's models and training, networks (torch and ONNX
backends, one loader of uploaded files), batched activation extraction, MASC and linear probes,
last-layer repair and training dynamics. Pure library: no web, database or queue imports.
"""

import os

# torch's OpenMP threads spin after each parallel region and starve the OpenBLAS threads that
# scipy and scikit-learn use for eigendecompositions and baseline probes (4× slower fits on
# 2 cores). Sleeping waiters avoid it; this only takes effect if torch is not imported yet.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
