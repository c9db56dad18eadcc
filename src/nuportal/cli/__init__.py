"""The ``nuportal`` command line (thin: parses, calls the Python API, prints)."""
