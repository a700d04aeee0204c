// Live reflection signals on the community form: after a pause in typing, post the
// form (without saving) to /beheer/signalen and show what it returns. Without
// JavaScript the signals still show after saving.
(function () {
  var form = document.getElementById("praktijk-form");
  var list = document.getElementById("signalen");
  if (!form || !list || !window.fetch) return;
  var timer = null;
  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.bericht;
      list.appendChild(li);
    });
    if (!items.length) {
      var quiet = document.createElement("li");
      quiet.className = "quiet";
      quiet.textContent = document.documentElement.lang === "en" ? "No signals." : "Geen signalen.";
      list.appendChild(quiet);
    }
  }
  function refresh() {
    var data = new FormData(form);
    fetch(form.dataset.signals, { method: "POST", body: data, credentials: "same-origin",
                                  headers: { "X-CSRFToken": data.get("csrf_token") } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && Object.keys(body.fouten).length === 0) render(body.signalen); })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  });
})();
