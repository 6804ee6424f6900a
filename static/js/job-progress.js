// Moves a background job's progress bar by polling its JSON status, and reloads the page once
// the job has finished, so that its outcome shows (an export's download link, an import's
// report). Used by the export job page (reports) and the journal upload's job page (Network
// queries). The box is the element with `data-job-status-url`; `data-finished="true"` leaves
// it alone. Inside it: the <progress> element, and every element with `data-job-text="name"`
// shows the JSON's field `name` as text (say, "status_label" or "progress_text").
// The progress label is a polite live region (`aria-live="polite"`) on both pages, so a screen
// reader says it when it changes: only an element's text is written, and only when it differs
// from what it shows, so that a poll that brings nothing new announces nothing.
// Without JavaScript the page says how to see the progress (a reload link, or a refresh in
// <noscript>): no <meta> refresh for readers with scripts (WCAG 2.2.1, axe "meta-refresh").
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var texts = box.querySelectorAll("[data-job-text]");
  var delay = 1500;

  function write(element, text) {
    if (element.textContent !== text) { element.textContent = text; }
  }

  function show(job) {
    if (bar && job.percent !== undefined && job.percent !== null) {
      if (bar.value !== Number(job.percent)) { bar.value = job.percent; }
      write(bar, job.percent + " %");
    }
    Array.prototype.forEach.call(texts, function (element) {
      var value = job[element.getAttribute("data-job-text")];
      if (value !== undefined && value !== null) { write(element, String(value)); }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) { window.location.reload(); return; }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // Signed out or offline: back off; reloading the page still works.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
