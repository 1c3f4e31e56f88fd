"""The training engine: pure Python and NumPy, never Qt."""
