"""DecisionFlow engine: runs statutory procedures with their order enforced.

A pure library: the web layer, the command line and the scheduler all go through
`engine.services`. Nothing here imports Flask.
"""

__version__ = "0.1.0"
