"""One module per benchmark suite; each exposes torch(params) and/or numpy(params)."""


class Unavailable(Exception):
    """This library cannot run this case; reported by the harness, not fatal."""
