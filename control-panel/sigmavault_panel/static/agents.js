// The agents page follows the agent service live: each `agent` event on /events re-reads the page's
// changing parts (/agents/live, rendered by the server like the first view). Without this script the
// page still works; it shows what was true when it was loaded.
(function () {
  "use strict";
  var root = document.getElementById("agents-live");
  if (!root || !window.EventSource || !window.fetch) { return; }
  var state = document.getElementById("live-state");
  var source = new EventSource(root.dataset.events + "?after=" + encodeURIComponent(root.dataset.after));
  var pending = false, again = false;

  function refresh() {
    if (pending) { again = true; return; }      // events come in bursts: one read at a time, one more after
    pending = true;
    fetch(root.dataset.live, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) { root.innerHTML = html; })
      .catch(function () { if (state) { state.textContent = "Could not read the agents again; retrying…"; } })
      .then(function () {
        pending = false;
        if (again) { again = false; refresh(); }
      });
  }

  source.addEventListener("agent", refresh);
  source.addEventListener("reset", refresh);
  source.onopen = function () { if (state) { state.textContent = "Following live."; } refresh(); };
  source.onerror = function () { if (state) { state.textContent = "Connection lost; reconnecting…"; } };
}());
