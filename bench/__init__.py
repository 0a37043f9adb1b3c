"""``make bench``: the performance and cost figures of issue 13 (see ``bench/__main__.py``).

The older stand-alone modules (``grid_256``, ``engine_incremental``, ``demo_startup``) still run
by name: ``python -m bench grid_256``.
"""
