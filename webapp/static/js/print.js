// A button marked data-print prints the page (the print stylesheet hides the navigation).
// A file, not an inline handler: the Content-Security-Policy allows scripts from 'self' only.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
