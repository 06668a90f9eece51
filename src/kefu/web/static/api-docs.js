// Start Swagger UI on the API documentation page (kept out of the HTML for the CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("swagger-ui");
    if (!node || !window.SwaggerUIBundle) { return; }
    window.SwaggerUIBundle({
      url: node.getAttribute("data-schema-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null
    });
  });
})();
