// The kiosk searches as you type: a moment after the last key it asks for the same page the Find
// button would, and shows its results. Without JavaScript, Find does the same.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var form = input && input.form;
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var timer = null, asked = input.value;
  function search() {
    var query = input.value.trim();
    if (query === asked || (query.length > 0 && query.length < 2)) return;
    asked = query;
    var url = form.getAttribute("action") + "?" + new URLSearchParams(new FormData(form)).toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html || input.value.trim() !== query) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("found");
        var shown = document.getElementById("found");
        if (fresh && shown) shown.replaceWith(fresh);
      })
      .catch(function () { /* the Find button still works */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  });
})();
