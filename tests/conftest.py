import latentgen  # noqa: F401  (first, so its OpenMP setting precedes torch's import)
