"""latentgen: find and repair latent generalization in networks that memorized noisy labels.

The science core: label corruption, the paper's models and training, batched activation
extraction, MASC and linear probes, last-layer repair and training dynamics. Pure library:
no web, database or queue imports.
"""

__version__ = "0.1.0"
