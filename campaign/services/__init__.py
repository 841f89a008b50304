"""Use cases. Each takes a Session, plain values and ``now``; they flush, never commit."""
