"""Event files: Parquet (primary), NuHepMC 1.0 / HepMC3 ASCII and HEPEVT text."""
