// "Remove this row": take the row out (the server renumbers the rows it receives); the last row left is
// cleared instead, so "Add a row" always has a row to copy. Without this script the buttons stay hidden
// and a row is removed by clearing it, since a blank row is not sent.
document.querySelectorAll("[data-remove-row]").forEach(function (button) { button.hidden = false; });
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-remove-row]");
  if (!button) { return; }
  event.preventDefault();
  var row = button.closest("tr"), body = row.parentElement;
  if (body.children.length > 1) {
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    var focus = next && next.querySelector("input, select, textarea");
    if (focus) { focus.focus(); }
    return;
  }
  row.querySelectorAll("input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea")
    .forEach(function (element) { element.value = ""; });
  row.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (element) { element.checked = false; });
  row.querySelectorAll("select").forEach(function (element) { element.selectedIndex = 0; });
});

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
    ["aria-labelledby", "aria-describedby"].forEach(function (attribute) {
      if (element.hasAttribute(attribute)) {
        element.setAttribute(attribute, element.getAttribute(attribute).replace(rowId, id + "-row-" + index));
      }
    });
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
