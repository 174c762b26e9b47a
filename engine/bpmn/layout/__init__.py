"""Generate the BPMN diagram interchange (``bpmndi``) of a process definition.

Why this exists: process authors write the semantic BPMN XML by hand (a collaboration with one
participant, lanes, tasks, gateways, events, sequence flows), but bpmn.io / Camunda Modeler only show
what has diagram information, and coordinates written by hand drift, overlap and rot with every edit.
This package throws away any existing ``bpmndi:BPMNDiagram`` and derives a fresh, deterministic one
from the process structure, so a definition can be re-laid-out after every change
(`python scripts/bpmn_layout.py FILE.bpmn --in-place`).

How the layout works (a small Sugiyama-style layered layout constrained to lane bands), one module a step:

1. `ranks`: a depth-first search from the start events marks back edges (loops); on the remaining
   acyclic graph every node gets its longest-path rank, which is its column.  Boundary events are not
   ranked: they sit on the bottom edge of their host, and their outgoing flows count as the host's.
   Each lane is a horizontal band.  Flows that skip columns get invisible "dummy" slots in the
   source's band so that the line running through those columns has a reserved, shape-free row.
   Columns are filled left to right; each slot asks for the mean row of its same-band predecessors
   (one row lower for the exception path of a boundary event) and slots are pushed down to avoid
   sharing a row, so a band is as many rows high as its busiest column needs.
2. `corridors`: back edges run in horizontal corridors reserved above or below a band's rows; each
   loop gets its own corridor track (interval colouring), so loops neither cross shapes nor each other.
3. `routes`: every flow leaves its source's right side (a boundary event's bottom) and enters its
   target's left side; vertical segments only ever run in the gaps between columns, where no shape
   is, and vertical segments sharing a gap get separate x tracks unless they fan out of one source or
   fan into one target.
4. `geometry`: column pitch is ~150 px, widened where a gap needs more tracks or a label (`labels`).
5. `write`: the diagram replaces the old one; the rest of the document is kept as lxml parsed it
   (element order, whitespace, comments, CDATA); only the new diagram is indented.

Only subprocess-free processes are supported; an (expanded) subProcess is a `LayoutError`, as is
any other input the layout cannot draw faithfully.  The XML is read by `engine.bpmn.reader`, the
parser the engine and the diagram share.
"""

from engine.bpmn.layout.cli import main
from engine.bpmn.layout.model import LayoutError
from engine.bpmn.layout.write import layout_document

__all__ = ["LayoutError", "layout_document", "main"]
