"""The only doors: definitions, procedures, tasks, history, timers, people.

Each public function is one use case in one unit of work. There is no skip, reset,
jump, edit or delete operation here, for anyone.
"""
