"""The `latentgen` command line's client side, and helpers over the generated client
`latentgen_client`: a package with no torch or numpy, for a machine that only sends jobs."""
