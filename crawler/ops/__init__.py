"""Operating crawls: running them from Python, the --all lock, logs, the nightly schedule."""
