"""What only the load benchmark's server runs (bench/load.py): production
settings whose URL configuration adds a bare JSON endpoint to compare with."""
