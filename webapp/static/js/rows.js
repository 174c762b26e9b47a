// "Add a row" in a repeating table: copy the last row with empty inputs and the next index in every
// name (views.2.member → views.3.member), id and label reference (f-views-2-member, f-views-row-2).
// Without this script the button submits the form and the server shows it again with more rows
// (webapp/pages/tasks.py, `more_rows`), so the page works either way.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) { return; }
  var body = button.closest("fieldset").querySelector("tbody");
  var last = body && body.lastElementChild;
  if (!last) { return; }
  event.preventDefault();
  var name = button.getAttribute("data-add-row"), id = button.getAttribute("data-add-row-id");
  var index = body.children.length;
  var escape = function (text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
  var byName = new RegExp("^" + escape(name) + "\\.\\d+\\.");
  var byId = new RegExp("^" + escape(id) + "-\\d+-");
  var rowId = new RegExp(escape(id) + "-row-\\d+", "g");
  var row = last.cloneNode(true);
  row.querySelectorAll("*").forEach(function (element) {
    if (element.hasAttribute("name")) {
      element.setAttribute("name", element.getAttribute("name").replace(byName, name + "." + index + "."));
    }
    ["id", "for"].forEach(function (attribute) {
      if (element.hasAttribute(attribute)) {
        element.setAttribute(attribute, element.getAttribute(attribute).replace(byId, id + "-" + index + "-")
          .replace(rowId, id + "-row-" + index));
      }
    });
    if (element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-labelledby", element.getAttribute("aria-labelledby").replace(rowId, id + "-row-" + index));
    }
    if (element.matches("input:not([type=checkbox]):not([type=radio]), textarea")) { element.value = ""; }
    if (element.matches("input[type=checkbox], input[type=radio]")) { element.checked = false; }
    if (element.matches("select")) { element.selectedIndex = 0; }
    element.classList.remove("has-error");
    if (element.matches(".field-error")) { element.remove(); }
  });
  var header = row.querySelector("th[scope=row]");
  if (header) { header.textContent = header.textContent.replace(/\d+/, String(index + 1)); }
  body.appendChild(row);
  var first = row.querySelector("input, select, textarea");
  if (first) { first.focus(); }
});
