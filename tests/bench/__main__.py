"""``python -m tests.bench``: see bench_record.py."""

from tests.bench.bench_record import main

if __name__ == "__main__":  # spawned worker processes import this module too
    main()
