// A queue row's actions answer bad input with 400 (409: the signal was closed meanwhile)
// and the row with the reason in it: let htmx swap that in (it leaves 4xx out by default).
if (!window.workQueueRows) {
  window.workQueueRows = true;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const inRow = event.detail.target && event.detail.target.closest(".signal-row, .email-preview");
    if (inRow && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}
