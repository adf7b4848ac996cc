// The booking page shows times in the customer's own timezone: the browser says which.
// Once, when the address names none yet; the page then carries it in ?tz= and its forms.
(function () {
  var params = new URLSearchParams(window.location.search);
  if (params.has("tz")) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  params.set("tz", zone);
  window.location.replace(window.location.pathname + "?" + params.toString());
})();
