"""Decay widths, branching ratios and lifetimes."""
