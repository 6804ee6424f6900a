// Moves an export job's progress bar by polling its JSON status, and reloads
// the page when the job has finished so that the download link appears.
// Without JavaScript the page has a plain reload link instead.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-progress");
  var status = document.getElementById("export-status");
  var rows = document.getElementById("export-rows");
  var delay = 1500;

  function show(job) {
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    status.textContent = job.status_label;
    rows.textContent = job.rows_done.toLocaleString() + " of " + job.rows_total.toLocaleString() +
      " rows written (" + job.percent + "%).";
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
        // Signed out or offline: back off; the reload link still works.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
