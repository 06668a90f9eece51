// Kefu page behaviour. No inline scripts anywhere (the CSP forbids them): pages
// opt in through data- attributes handled here.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the session's CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");

    // <select data-autosubmit> submits its form on change (language switch).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
      });
    });

    // <form data-confirm="question"> asks before submitting.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });

    // The phone's menu button opens and closes the main nav (a disclosure: aria-expanded
    // says which). Escape closes it and gives focus back to the button.
    var toggle = document.getElementById("nav-toggle");
    var bar = toggle ? toggle.closest(".topbar") : null;
    function setNavOpen(open) {
      bar.classList.toggle("nav-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    if (toggle && bar) {
      toggle.addEventListener("click", function () {
        setNavOpen(toggle.getAttribute("aria-expanded") !== "true");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
          setNavOpen(false);
          toggle.focus();
        }
      });
    }

    // Close the user menu when clicking elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
      });
    });
  });

  // fetch() helper for page scripts (charts): JSON with the CSRF header.
  window.kefuFetch = function (url, options) {
    options = options || {};
    options.headers = Object.assign({ "X-CSRF-Token": csrfToken(), "Accept": "application/json" },
      options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  };
})();
