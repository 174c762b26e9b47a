"""The one reader of BPMN XML: its namespaces, its element kinds and a parser that reads data only.

Three parts of the product read definitions: the engine's model of a definition
(`engine/bpmn/model.py`), the diagram the pages draw (`webapp/diagram.py`) and the layout tool
that writes the diagram interchange (`engine/bpmn/layout/`). They share this module so there is one
defence against XML that reads files or calls out (XXE: no entities, no DTD, no network) and one
list of what counts as a task, an event or a gateway.
"""

from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "spiffworkflow": SPIFF_NS}
"""Prefixes for XPath; `spiffworkflow` holds the extension properties the engine reads."""

TASK_TAGS = frozenset({"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
                       "businessRuleTask", "callActivity"})
EVENT_TAGS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"})
BOUNDARY_EVENT = "boundaryEvent"
GATEWAY_TAGS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
                          "complexGateway"})
SUBPROCESS_TAGS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
FLOW_NODE_TAGS = TASK_TAGS | EVENT_TAGS | {BOUNDARY_EVENT} | GATEWAY_TAGS | SUBPROCESS_TAGS


def parse(data: str | bytes, *, keep_comments: bool = True) -> etree._Element:
    """The document root; raises `etree.XMLSyntaxError` (with its line) for malformed XML.

    CDATA, comments and whitespace are kept as written, so a tool that rewrites a file (the
    layout) changes only what it means to; a reader that walks children may drop comments.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             strip_cdata=False, remove_blank_text=False, remove_comments=not keep_comments)
    raw = data.encode("utf-8") if isinstance(data, str) else data  # lxml refuses a str with a declaration
    return etree.fromstring(raw, parser)


def qname(namespace: str, local_name: str) -> str:
    """`{namespace}local`, the form lxml gives tags in."""
    return f"{{{namespace}}}{local_name}"


def local(tag: object) -> str:
    """The local name of a BPMN-namespace element; '' for anything else (comments, PIs, extensions)."""
    if not isinstance(tag, str) or not tag.startswith(f"{{{BPMN_NS}}}"):
        return ""
    return tag.split("}", 1)[1]


def properties_of(element: etree._Element) -> dict[str, str]:
    """`spiffworkflow:property` name/value pairs of an element's extensions."""
    found = element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value", "") for p in found if p.get("name")}


def flow_node_names(root: etree._Element) -> dict[str, str]:
    """Id → display name of every flow node (task, event, gateway); the id where a node has no name."""
    return {el.get("id"): el.get("name") or el.get("id") for el in root.iter(qname(BPMN_NS, "*"))
            if el.get("id") and local(el.tag) in FLOW_NODE_TAGS}
