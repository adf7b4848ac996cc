/* Copy buttons for the contacts' form links on the account page.
 *
 * A button carries the text to copy (data-copy-value) and the id of the
 * read-only field showing it (data-copy-target). Listening on the document
 * covers panels htmx swaps in later. Where the Clipboard API is missing (a
 * page not served over https or from localhost), the field's text is
 * selected and copied the old way, or left selected for Ctrl+C.
 */
(function () {
  "use strict";

  function announce(button, text) {
    var status = button.closest("[data-testid=form-links]").querySelector("[data-copy-status]");
    if (status) status.textContent = text;
    var label = button.dataset.label || (button.dataset.label = button.innerHTML);
    button.textContent = text === "Copied" ? "Copied" : "Press Ctrl+C";
    button.classList.replace("btn-outline-primary", "btn-success");
    window.setTimeout(function () {
      button.innerHTML = label;
      button.classList.replace("btn-success", "btn-outline-primary");
    }, 2000);
  }

  function copyBySelecting(button) {
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-value]");
    if (!button) return;
    var fallback = function () {
      announce(button, copyBySelecting(button) ? "Copied" : "Selected");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(button.dataset.copyValue).then(function () {
        announce(button, "Copied");
      }, fallback);
    } else {
      fallback();
    }
  });
})();
