"""Event generation: upscattering sampled with vegas, decay chains, vertices in the detector.

Modules: :mod:`~nuportal.generator.events` (the columnar event record shared with the
writers of :mod:`nuportal.io`).
"""
