// The account page's inline actions answer bad input with 400 and the page with the
// form's errors: let htmx swap that in (it leaves 4xx responses out by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
