// The venue's screen: draws the dashboard from the API and redraws it whenever an event arrives
// on the venue's stream; the browser reconnects the stream by itself and the server replays what
// was missed. Everything people typed is set as text, never as HTML.
//
// People are split into pages that fit the screen, measured in the browser (so any screen size
// and any number of people work), and the pages rotate; lists show what fits and count the rest.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  var venue = root.getAttribute("data-venue");
  var token = root.getAttribute("data-token");
  var api = "/api/v1/venues/" + encodeURIComponent(venue);
  var query = "?token=" + encodeURIComponent(token);
  var ROTATE_MS = 10000;
  var page = 0;
  var pages = [];
  var people = [];
  var last = null;
  var timer = null;
  var shownDate = null;
  var stream = null;
  var gone = false;

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

  // Regions grow down only: their columns are fixed and long words wrap.
  function overflows(box) {
    return box.scrollHeight > box.clientHeight + 1;
  }

  // Cuts the people into pages: as many cards as fit the box, then the next page.
  function paginate() {
    var box = document.getElementById("people");
    pages = [];
    var start = 0;
    while (start < people.length) {
      box.replaceChildren();
      var end = start;
      while (end < people.length) {
        box.appendChild(card(people[end]));
        if (overflows(box)) {
          box.removeChild(box.lastChild);
          break;
        }
        end += 1;
      }
      if (end === start) end = start + 1; // a card taller than the screen still gets its page
      pages.push([start, end]);
      start = end;
    }
    root.setAttribute("data-pages", pages.map(function (r) { return r[0] + "-" + r[1]; }).join(" "));
  }

  function drawPeople() {
    var box = document.getElementById("people");
    if (page >= pages.length) page = 0;
    var range = pages[page] || [0, 0];
    box.replaceChildren.apply(box, people.slice(range[0], range[1]).map(card));
    document.getElementById("page").textContent =
      pages.length > 1 ? "page " + (page + 1) + " of " + pages.length : "";
  }

  // Shows the items of a list that fit, and how many more there are.
  function fill(id, items, text) {
    var box = document.getElementById(id);
    box.replaceChildren();
    for (var i = 0; i < items.length; i++) {
      box.appendChild(el("li", null, text(items[i])));
      if (overflows(box)) {
        box.removeChild(box.lastChild);
        var more = el("li", "more", "+ " + items.length + " more");
        box.appendChild(more);
        while (overflows(box) && more.previousSibling) box.removeChild(more.previousSibling);
        more.textContent = "+ " + (items.length - box.children.length + 1) + " more";
        return;
      }
    }
  }

  // Today's gatherings here: two at most, then how many more; when, what, and whether there is
  // room (someone who answers a full one joins the line).
  function drawGatherings(list) {
    var box = document.getElementById("gatherings");
    box.replaceChildren();
    document.getElementById("today-here").hidden = !list.length;
    root.classList.toggle("with-today", list.length > 0);
    list.slice(0, 2).forEach(function (g) {
      var li = el("li", g.full ? "full" : null);
      li.appendChild(el("b", null, g.starts + "–" + g.ends));
      var room = g.full ? "full" : g.places_left === 1 ? "1 place left" : g.places_left + " places left";
      // Whether there is room comes before the title, which a long one never cuts off.
      li.appendChild(document.createTextNode(" · " + room + " · " + g.title + " · " + g.kind));
      box.appendChild(li);
    });
    if (list.length > 2) box.appendChild(el("li", "more", "+ " + (list.length - 2) + " more today"));
  }

  function draw(d) {
    last = d;
    document.getElementById("time").textContent = d.local_time;
    document.getElementById("code").textContent = d.check_in_code;
    // A closed venue invites nobody to check in: it says when it opens again instead.
    var closed = document.getElementById("closed");
    closed.textContent = d.closed || "";
    closed.hidden = !d.closed;
    document.getElementById("qr").hidden = !!d.closed;
    document.querySelector(".code-line").hidden = !!d.closed;
    // The check-in code changes every day: a screen left on overnight shows the new one.
    if (shownDate !== null && shownDate !== d.local_date) {
      document.querySelector("#qr img").src = api + "/check-in-qr.svg" + query + "&date=" + d.local_date;
    }
    shownDate = d.local_date;
    document.getElementById("here").textContent = d.counters.here;
    document.getElementById("suggested").textContent = d.counters.intros_suggested_today;
    document.getElementById("accepted").textContent = d.counters.intros_accepted_today;
    document.getElementById("topics").textContent = d.counters.topics;
    document.getElementById("exchanges").textContent =
      d.counters.exchanges_today === 1 ? "1 exchange" : d.counters.exchanges_today + " exchanges";
    people = d.people;
    paginate();
    drawPeople();
    fill("intros", d.intros, function (i) {
      return i.a + " + " + i.b + ": " + i.reason + (i.accepted ? " (meeting)" : "");
    });
    fill("questions", d.questions, function (q) {
      var who = q.who_can_help.length ? " (ask " + q.who_can_help.join(", ") + ")" : "";
      return q.text + who;
    });
    // What was shared here today appears once there is something, three lines at most.
    document.getElementById("shared-today").hidden = !d.shared_today.length && !d.outcomes_today.length;
    fill("knowledge", d.shared_today.slice(0, 2), function (e) {
      return e.topics.length ? "Knowledge shared: " + e.topics.join(", ") : "Knowledge shared";
    });
    fill("outcomes", d.outcomes_today.slice(0, 1), function (o) { return "It led to " + o; });
    drawGatherings(d.gatherings_today);
  }

  // A revoked link says so, and shows no one any more: the names, the intros, the questions and
  // today's code go, and the page stops asking.
  function revoked() {
    gone = true;
    if (stream) stream.close();
    last = null;
    people = [];
    pages = [];
    ["people", "intros", "questions", "knowledge", "outcomes", "gatherings", "page", "code"].forEach(function (id) {
      document.getElementById(id).replaceChildren();
    });
    document.getElementById("today-here").hidden = true;
    root.classList.remove("with-today");
    var qr = document.getElementById("qr");
    if (qr) qr.remove();
    if (document.getElementById("revoked")) return;
    var note = el("div", "revoked", "This screen's link no longer works. Ask the host for a new one.");
    note.id = "revoked";
    note.setAttribute("role", "alert");
    document.body.appendChild(note);
  }

  function refresh() {
    timer = null;
    if (gone) return;
    fetch(api + "/dashboard" + query).then(function (r) {
      if (r.status === 401 || r.status === 403) revoked();
      return r.ok ? r.json() : null;
    }).then(function (d) {
      if (d && !gone) draw(d);
    }).catch(function () { /* offline for a moment: the stream's reconnection refreshes */ });
  }

  function soon() {
    if (!timer) timer = setTimeout(refresh, 50);
  }

  // The browser retries a dropped stream by itself (the server asks for one second); when it
  // gives up (e.g. the server answered with an error while restarting) open a new one. The
  // server ends the stream of a revoked link with a `revoked` event; should that be missed, any
  // break of the stream asks the dashboard again, whose 403 says the same.
  function listen() {
    if (gone) return;
    stream = new EventSource(api + "/events" + query);
    ["presence", "profile", "question", "intro", "exchange", "outcome", "gathering", "reload"].forEach(function (kind) {
      stream.addEventListener(kind, soon);
    });
    stream.addEventListener("revoked", revoked);
    stream.onopen = soon;
    stream.onerror = function () {
      soon();
      if (stream.readyState === EventSource.CLOSED) setTimeout(listen, 2000);
    };
  }

  var resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () { if (last) draw(last); }, 150);
  });
  setInterval(function () { page += 1; drawPeople(); }, ROTATE_MS);
  // The clock (and, after midnight, the QR code) move on even when nothing happens.
  setInterval(soon, 60000);
  listen();
  refresh();
})();
