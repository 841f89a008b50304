"""The benchmark: ``make bench`` (``python -m bench``). Not part of the product or its tests.

- ``python -m bench`` (http.py): the product under gunicorn on PostgreSQL and on SQLite, driven
  over HTTP by wrk from another process, beside two reference endpoints served by floor.py under
  the same gunicorn settings; medians of interleaved rounds to bench/results/.
- ``python -m bench record`` (record.py): record_action in process, statements per action, and
  N processes against counter_shards=1 vs 8.
"""
