// Starts ReDoc on /redoc. Kept out of the page so the page's CSP can forbid inline script.
"use strict";
(function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.dataset.openapiUrl, { expandResponses: "400,404,409" }, root);
})();
