"""``python -m bench [http|record|ledger]``: see bench/__init__.py."""

import sys

if __name__ == "__main__":  # spawned worker processes import this module too
    if sys.argv[1:2] == ["record"]:
        from bench.record import main as record_main

        record_main()
    elif sys.argv[1:2] == ["ledger"]:
        from bench.ledger import main as ledger_main

        ledger_main(sys.argv[2:])
    elif sys.argv[1:2] == ["ledger-step"]:
        from bench.ledger import step_main

        step_main(sys.argv[2:])
    else:
        from bench.http import main as http_main

        http_main(sys.argv[1:])
