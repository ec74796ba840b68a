"""Data the benchmarks seed (imported by bench/*.py, never run by itself)."""
