"""How the production app server runs (README, docs/scale.md): uvicorn's options, shared
by the benchmarks and the tests that start real servers."""

# channels' router has no lifespan protocol; httptools named so a missing one stops the
# server instead of leaving it on h11, uvicorn's pure-Python parser.
UVICORN_OPTIONS = [
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--ws",
    "websockets-sansio",
    "--lifespan",
    "off",
]
