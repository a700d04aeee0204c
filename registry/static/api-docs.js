// Start Swagger UI on the node's own OpenAPI document (no CDN: works offline).
window.addEventListener("load", function () {
  var element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: element.dataset.spec, dom_id: "#swagger-ui", deepLinking: true });
});
