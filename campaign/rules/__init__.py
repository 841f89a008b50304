"""Pure domain rules: no Flask, no database session, no clock (``now`` is always passed in)."""
