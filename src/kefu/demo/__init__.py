"""A demo courier customer-service centre: realistic export files for every table.

:func:`kefu.demo.generator.generate` writes them; ``python -m kefu.demo.run``
(``make demo``) builds a workspace from them.
"""
