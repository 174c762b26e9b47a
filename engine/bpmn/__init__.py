"""The only package that touches SpiffWorkflow: parse, cache, serialize, evaluate, check.

Nothing here hands a `Task` or `BpmnWorkflow` to callers outside `engine`; services get
plain values back. SpiffWorkflow's skip/reset/force calls are never used.
"""
