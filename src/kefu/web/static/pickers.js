// Agent typeahead: <input data-agent-typeahead="datalist-id"> fills that <datalist>
// from /api/v1/agents?q= (the agents the user may see) while the user types.
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("data-agent-typeahead"));
    if (!list) { return; }
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === asked) { return; }
        asked = q;
        fetch("/api/v1/agents?q=" + encodeURIComponent(q), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { agents: [] };
        }).then(function (body) {
          if (input.value.trim() !== q) { return; }  // the user typed on meanwhile
          list.textContent = "";
          body.agents.forEach(function (a) {
            var option = document.createElement("option");
            option.value = a.agent_id;
            option.label = [a.name, a.team].filter(Boolean).join(" · ");
            option.textContent = option.label;
            list.appendChild(option);
          });
        }).catch(function () { /* no suggestions; the form still works */ });
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-agent-typeahead]").forEach(attach);
  });
})();
