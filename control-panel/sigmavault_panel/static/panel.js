// Progressive enhancement: pages work without this; with it, a running job's page follows progress live.
(function () {
  "use strict";
  var list = document.getElementById("progress");
  if (!list || list.dataset.running !== "1" || !window.EventSource) { return; }
  var url = list.dataset.events + "?job=" + encodeURIComponent(list.dataset.job) +
            "&after=" + encodeURIComponent(list.dataset.after);
  var source = new EventSource(url);
  var live = document.getElementById("live");
  source.addEventListener("job.progress", function (event) {
    var step = JSON.parse(event.data);
    if (list.querySelector('[data-n="' + step.n + '"]')) { return; }
    var item = document.createElement("li");
    item.dataset.n = step.n;
    item.textContent = step.name + " ";
    var took = document.createElement("small");
    took.textContent = "(" + Number(step.seconds).toFixed(1) + " s)";
    item.appendChild(took);
    list.appendChild(item);
  });
  function reload() { source.close(); window.location.reload(); }
  source.addEventListener("job.finished", reload);
  source.addEventListener("reset", reload);
  source.onerror = function () { if (live) { live.textContent = "Connection lost; reconnecting…"; } };
  source.onopen = function () { if (live) { live.textContent = "Following live…"; } };
}());
