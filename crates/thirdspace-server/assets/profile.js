// The profile form: tag suggestions from the skill vocabulary while typing, and a preview of the
// screen card that follows the form. The form works without it.
(function () {
  "use strict";
  function lastTerm(value) {
    var parts = value.split(",");
    return parts[parts.length - 1].trim();
  }

  function withTag(value, tag) {
    var parts = value.split(",");
    parts[parts.length - 1] = " " + tag;
    return parts.join(",").replace(/^\s+/, "") + ", ";
  }

  document.querySelectorAll("input[data-tags]").forEach(function (input) {
    var box = document.createElement("div");
    box.className = "suggestions";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Suggested tags for " + input.labels[0].textContent);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", box);
    box.insertAdjacentElement("afterend", status);
    var pending = null;
    // Enter picks the first suggestion instead of sending the whole form.
    input.addEventListener("keydown", function (e) {
      var first = box.querySelector("button");
      if (e.key === "Enter" && first) {
        e.preventDefault();
        first.click();
      }
    });
    input.addEventListener("input", function () {
      clearTimeout(pending);
      var term = lastTerm(input.value);
      if (term.length < 2) {
        box.replaceChildren();
        return;
      }
      pending = setTimeout(function () {
        fetch("/api/v1/vocabulary/complete?limit=6&q=" + encodeURIComponent(term))
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) {
            box.replaceChildren.apply(box, found.map(function (s) {
              var b = document.createElement("button");
              b.type = "button";
              b.className = "tag";
              b.textContent = s.via ? s.tag + " (" + s.via + ")" : s.tag;
              b.addEventListener("click", function () {
                input.value = withTag(input.value, s.tag);
                box.replaceChildren();
                input.focus();
                input.dispatchEvent(new Event("change"));
              });
              return b;
            }));
            status.textContent = found.length ? found.length + " suggestions" : "";
          });
      }, 150);
    });
  });

  // Tags show as the screen will show them: the vocabulary's label for the tags it knows
  // ("vat returns" → "VAT"), asked of the server as one types.
  document.querySelectorAll("[data-preview]").forEach(function (target) {
    var input = document.getElementById(target.getAttribute("data-preview"));
    if (!input) return;
    var tags = target.hasAttribute("data-preview-tags");
    var pending = null;
    var asked = 0;
    function show() {
      if (!tags) {
        target.textContent = input.value;
        return;
      }
      clearTimeout(pending);
      pending = setTimeout(function () {
        var mine = ++asked;
        fetch("/api/v1/vocabulary/labels?tags=" + encodeURIComponent(input.value))
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (labels) {
            if (labels && mine === asked) target.textContent = labels.join(", ");
          })
          .catch(function () { /* the preview waits for the next change */ });
      }, 150);
    }
    ["input", "change"].forEach(function (kind) { input.addEventListener(kind, show); });
  });
})();
