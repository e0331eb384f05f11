// Keeps a staff page's live part fresh: on each event of the venue's stream it fetches the page
// again and swaps in that part, so a check-in at the kiosk shows without a reload. Without
// JavaScript the page is the same, as of its last load.
(function () {
  "use strict";
  var region = document.querySelector("[data-live]");
  if (!region || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var timer = null;
  function refresh() {
    timer = null;
    // Someone using a form in the region keeps it until they are done.
    if (region.contains(document.activeElement) && document.activeElement !== document.body) return;
    fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (!fresh) return;
        region.replaceWith(fresh);
        region = fresh;
      })
      .catch(function () { /* offline for a moment: the next event refreshes */ });
  }
  function soon() {
    if (!timer) timer = setTimeout(refresh, 150);
  }
  var stream = new EventSource(region.getAttribute("data-live"));
  ["presence", "booking", "reload"].forEach(function (kind) { stream.addEventListener(kind, soon); });
})();
