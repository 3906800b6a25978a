// The export page's "Select all" box, wired here rather than by an inline onchange
// attribute, which the Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.getElementById("select-all-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
