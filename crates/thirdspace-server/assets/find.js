// "Near me": asks the browser where it is and searches again sorted by distance. Without
// JavaScript or permission, the search works by city as before.
(function () {
  "use strict";
  var button = document.getElementById("near");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("lat").value = pos.coords.latitude.toFixed(4);
      document.getElementById("lon").value = pos.coords.longitude.toFixed(4);
      document.getElementById("city").value = "";
      button.form.submit();
    }, function () {
      button.disabled = false;
      button.textContent = "Location unavailable";
    }, { timeout: 10000 });
  });
})();
