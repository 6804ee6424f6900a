// Refreshes the policy panel of the new-request form as the clerk fills it in.
// Without JavaScript the form still works; the panel then shows on the case page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-policy-preview]");
  var panel = document.getElementById("policy-preview");
  if (!form || !panel || !window.fetch) { return; }
  var timer = null;
  var inFlight = null;

  function refresh() {
    var body = new FormData(form);
    // Never send files with a preview.
    Array.prototype.slice.call(form.querySelectorAll("input[type=file]")).forEach(function (input) {
      body.delete(input.name);
    });
    if (inFlight) { inFlight.abort(); }
    inFlight = new AbortController();
    fetch(form.getAttribute("data-policy-preview"), {
      method: "POST", body: body, credentials: "same-origin", signal: inFlight.signal,
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("preview failed"); }
      return response.text();
    }).then(function (html) {
      panel.innerHTML = html;
    }).catch(function () { /* keep the last panel; the case page evaluates again */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  refresh();
})();
