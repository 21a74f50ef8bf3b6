// Polls the batch's JSON once a second and moves the bar until the batch is done or failed; says when it stalls.
(function () {
  "use strict";
  var root = document.getElementById("certificate-batch");
  if (!root) return;
  var bar = document.getElementById("batch-bar");
  var status = document.getElementById("batch-status");
  var count = document.getElementById("batch-count");
  var percent = document.getElementById("batch-percent");
  var error = document.getElementById("batch-error");
  var finished = document.getElementById("batch-finished");
  var stalled = document.getElementById("batch-stalled");
  var resume = document.getElementById("batch-resume");

  function show(data) {
    bar.max = data.total || 1;
    bar.value = data.done;
    status.textContent = data.status_display;
    count.textContent = data.done + " of " + data.total;
    percent.textContent = data.percent;
    error.textContent = data.error;
    error.hidden = !data.error;
    finished.hidden = !data.finished;
    stalled.hidden = !data.stalled;
    if (resume) resume.hidden = !data.resumable;
  }

  function poll() {
    fetch(root.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        show(data);
        if (!data.finished) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (finished.hidden) window.setTimeout(poll, 1000);
})();
