"""Model layer: user parameters -> a validated, immutable model with derived couplings."""
