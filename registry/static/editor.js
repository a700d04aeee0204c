// Progressive enhancement of the community form; everything also works without JavaScript.
//  - Live reflection signals: after a pause in typing, post the form (without saving) to
//    /beheer/signalen and show what it returns, as the public page would show it.
//  - "Nog een ..." buttons add a row for another place, partner or network.
//  - The wijk pick-list offers the wijken of the gemeenten chosen above it.
(function () {
  var form = document.getElementById("praktijk-form");
  if (!form) return;

  // --- live signals ---------------------------------------------------------------
  var list = document.getElementById("signalen");
  var timer = null;
  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-signal", item.regel.split("#").pop());
      var title = document.createElement("strong");
      title.textContent = item.titel;
      li.appendChild(title);
      li.appendChild(document.createTextNode(": " + item.bericht));
      list.appendChild(li);
    });
    if (!items.length) {
      var quiet = document.createElement("li");
      quiet.className = "quiet";
      quiet.textContent = list.getAttribute("data-empty");
      list.appendChild(quiet);
    }
  }
  function refresh() {
    var data = new FormData(form);
    fetch(form.dataset.signals, { method: "POST", body: data, credentials: "same-origin",
                                  headers: { "X-CSRFToken": data.get("csrf_token") } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) render(body.signalen); })
      .catch(function () {});
  }
  if (list && window.fetch) {
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 500);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    });
  }

  // --- another row ----------------------------------------------------------------
  Array.prototype.forEach.call(form.querySelectorAll("[data-add-row]"), function (button) {
    var name = button.getAttribute("data-add-row");
    var rows = button.parentNode;
    button.hidden = false;
    button.addEventListener("click", function () {
      var all = rows.querySelectorAll("[data-row]");
      var copy = all[all.length - 1].cloneNode(true);
      var number = all.length + 1;
      var id = name + "-" + number;
      Array.prototype.forEach.call(copy.querySelectorAll(".hint, .field-error"), function (el) { el.remove(); });
      copy.classList.remove("has-error");
      var input = copy.querySelector("input");
      input.id = id;
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.removeAttribute("autofocus");
      var label = copy.querySelector("label");
      label.htmlFor = id;
      var hidden = label.querySelector(".visually-hidden");
      if (!hidden) {
        hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        label.appendChild(hidden);
      }
      hidden.textContent = " " + number;
      rows.insertBefore(copy, button);
      input.focus();
    });
  });

  // --- wijken of the chosen gemeenten -----------------------------------------------
  var wijken = document.getElementById("wijken-lijst");
  var gemeenten = document.getElementById("gemeenten-lijst");
  if (wijken && gemeenten) {
    var every = Array.prototype.slice.call(wijken.options).map(function (o) { return o.cloneNode(true); });
    var codes = {};
    Array.prototype.forEach.call(gemeenten.options, function (o) {
      var match = /\((GM\d{4})\)\s*$/.exec(o.value);
      if (match) codes[o.value.toLowerCase()] = match[1];
      if (match) codes[o.value.replace(/\s*\(GM\d{4}\)\s*$/, "").toLowerCase()] = match[1];
    });
    var chosen = function () {
      var found = {};
      Array.prototype.forEach.call(form.querySelectorAll('input[name="plaatsen"]'), function (input) {
        var typed = input.value.trim();
        var code = /^GM\d{4}$/i.test(typed) ? typed.toUpperCase() : codes[typed.toLowerCase()];
        if (!code) {
          var match = /\((GM\d{4})\)\s*$/i.exec(typed);
          code = match && match[1].toUpperCase();
        }
        if (code) found[code] = true;
      });
      return found;
    };
    var narrow = function () {
      var found = chosen();
      var any = Object.keys(found).length > 0;
      wijken.textContent = "";
      every.forEach(function (option) {
        if (!any || found[option.getAttribute("data-gemeente")]) wijken.appendChild(option.cloneNode(true));
      });
    };
    form.addEventListener("change", function (event) {
      if (event.target.name === "plaatsen") narrow();
    });
    narrow();
  }
})();
