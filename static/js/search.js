// The navbar search: "/" focuses it (unless typing in a field), Escape closes the
// dropdown, and a click elsewhere hides it.
(function () {
  "use strict";
  const input = document.getElementById("global-search");
  const dropdown = document.getElementById("search-dropdown");
  if (!input || !dropdown) {
    return;
  }
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      const collapse = document.getElementById("nav");
      if (collapse && !collapse.classList.contains("show") && input.offsetParent === null) {
        bootstrap.Collapse.getOrCreateInstance(collapse).show();
      }
      input.focus();
    } else if (event.key === "Escape" && dropdown.innerHTML.trim()) {
      dropdown.innerHTML = "";
      input.blur();
    }
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".navbar-search")) {
      dropdown.innerHTML = "";
    }
  });
})();
