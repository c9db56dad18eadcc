"""Physics kernels: kinematics, form factors and cross sections (vectorised over arrays)."""
