// The venue's screen: draws the dashboard from the API and redraws it whenever an event arrives
// on the venue's stream; the browser reconnects the stream by itself and the server replays what
// was missed. Everything people typed is set as text, never as HTML.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  var venue = root.getAttribute("data-venue");
  var token = root.getAttribute("data-token");
  var api = "/api/v1/venues/" + encodeURIComponent(venue);
  var query = "?token=" + encodeURIComponent(token);
  var PER_PAGE = 6;
  var page = 0;
  var people = [];
  var timer = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function card(p) {
    var c = el("div", "card");
    c.setAttribute("data-person", "");
    c.appendChild(el("div", "name", p.display_name));
    if (p.headline) c.appendChild(el("div", "line", p.headline));
    if (p.offers.length) c.appendChild(el("div", "tags", "Offers: " + p.offers.join(", ")));
    if (p.seeking.length) c.appendChild(el("div", "tags", "Looking for: " + p.seeking.join(", ")));
    if (p.focus) c.appendChild(el("div", "line", "Today: " + p.focus));
    return c;
  }

  function drawPeople() {
    var box = document.getElementById("people");
    var pages = Math.max(1, Math.ceil(people.length / PER_PAGE));
    if (page >= pages) page = 0;
    box.replaceChildren.apply(box, people.slice(page * PER_PAGE, (page + 1) * PER_PAGE).map(card));
    document.getElementById("page").textContent = pages > 1 ? "page " + (page + 1) + " of " + pages : "";
  }

  function list(id, items, text) {
    var box = document.getElementById(id);
    box.replaceChildren.apply(box, items.map(function (item) { return el("li", null, text(item)); }));
  }

  function draw(d) {
    document.getElementById("time").textContent = d.local_time;
    document.getElementById("here").textContent = d.counters.here;
    document.getElementById("suggested").textContent = d.counters.intros_suggested_today;
    document.getElementById("accepted").textContent = d.counters.intros_accepted_today;
    document.getElementById("topics").textContent = d.counters.topics;
    people = d.people;
    drawPeople();
    list("intros", d.intros, function (i) { return i.a + " + " + i.b + ": " + i.reason; });
    list("questions", d.questions, function (q) {
      var who = q.who_can_help.length ? " (ask " + q.who_can_help.join(", ") + ")" : "";
      return q.text + who;
    });
  }

  function refresh() {
    timer = null;
    fetch(api + "/dashboard" + query).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
      if (d) draw(d);
    });
  }

  function soon() {
    if (!timer) timer = setTimeout(refresh, 50);
  }

  // The browser retries a dropped stream by itself (the server asks for one second); when it
  // gives up (e.g. the server answered with an error while restarting) open a new one.
  function listen() {
    var stream = new EventSource(api + "/events" + query);
    ["presence", "profile", "question", "intro", "reload"].forEach(function (kind) {
      stream.addEventListener(kind, soon);
    });
    stream.onopen = soon;
    stream.onerror = function () {
      if (stream.readyState === EventSource.CLOSED) setTimeout(listen, 2000);
    };
  }
  listen();
  setInterval(function () { page += 1; drawPeople(); }, 10000);
  refresh();
})();
