// Polls a job's progress URL and reloads the page when the job has finished. No dependencies.
(function () {
  "use strict";
  var box = document.querySelector(".trace-progress[data-progress-url]");
  if (!box || box.getAttribute("data-done")) { return; }
  var bar = box.querySelector(".trace-progress-bar");
  var text = document.querySelector("[data-progress-text]");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.style.width = state.percent + "%";
        bar.setAttribute("aria-valuenow", state.percent);
        if (text) { text.textContent = state.percent + "%"; }
        if (state.status === "done" || state.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 700); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
