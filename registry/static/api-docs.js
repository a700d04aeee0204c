// Start Swagger UI on the node's own OpenAPI document (no CDN: works offline), and repair
// the markup it renders where it falls short of WCAG 2.1 AA (checked with axe-core in
// tests/test_accessibility.py). Swagger UI has no options for these, so a MutationObserver
// fixes each part as React renders it; colours are fixed in api-docs.css.
"use strict";

var REPAIRS = [
  // The summary button's aria-label ("get /x") hides its visible text ("GET /x List x"):
  // without it, the name is what people see and voice-control users can say it.
  [".opblock-summary-control[aria-label]", function (button) { button.removeAttribute("aria-label"); }],
  // The servers <select> sits in a <label> whose `for` points nowhere, so it has no name.
  [".servers select:not([aria-label])", function (select) { select.setAttribute("aria-label", "Servers"); }],
  // The copy buttons beside code samples are empty: name them.
  [".copy-to-clipboard button:not([aria-label])", function (button) { button.setAttribute("aria-label", "Copy to clipboard"); }],
  [".close-modal:not([aria-label])", function (button) { button.setAttribute("aria-label", "Close"); }],
  [".curl-command textarea:not([aria-label])", function (curl) { curl.setAttribute("aria-label", "Curl"); }],
  // Code samples scroll sideways: let keyboard users focus them to scroll.
  [".highlight-code pre:not([tabindex])", function (pre) { pre.setAttribute("tabindex", "0"); }],
];

function repair(root) {
  REPAIRS.forEach(function (entry) {
    root.querySelectorAll(entry[0]).forEach(entry[1]);
  });
}

window.addEventListener("load", function () {
  var element = document.getElementById("swagger-ui");
  new MutationObserver(function () { repair(element); }).observe(element, { childList: true, subtree: true });
  // deepLinking would put a link inside each operation's button (nested interactive controls);
  // the highlighter's colours fall below 4.5:1 on its dark panels.
  window.ui = SwaggerUIBundle({ url: element.dataset.spec, dom_id: "#swagger-ui", deepLinking: false,
    syntaxHighlight: { activated: false } });
});
