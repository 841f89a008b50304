"""``python -m bench [http|record]``: see bench/__init__.py."""

import sys

if __name__ == "__main__":  # spawned worker processes import this module too
    if sys.argv[1:2] == ["record"]:
        from bench.record import main as record_main

        record_main()
    else:
        from bench.http import main as http_main

        http_main(sys.argv[1:])
