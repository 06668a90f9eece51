// The monitor's agent tables are one <details> per team, open on a desktop; on a
// phone they start folded so the page is a list of teams, not a long scroll.
(function () {
  if (!window.matchMedia || !window.matchMedia("(max-width: 640px)").matches) return;
  document.querySelectorAll("details.monitor-team").forEach(function (d) { d.removeAttribute("open"); });
})();
