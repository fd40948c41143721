// Linli campaigns (issue 11): the inspection form's "use my location"
// button fills the latitude and longitude from the phone's GPS. The
// button is hidden until this script shows it, so the form without the
// script (or without a GPS) is the same form with the fields to type.
(function () {
  "use strict";
  if (!navigator.geolocation) return;
  document.querySelectorAll("button[data-gps]").forEach(function (b) {
    var form = b.form;
    if (!form || !form.elements.lat || !form.elements.lng) return;
    b.hidden = false;
    b.addEventListener("click", function () {
      b.disabled = true;
      navigator.geolocation.getCurrentPosition(function (p) {
        form.elements.lat.value = p.coords.latitude.toFixed(7);
        form.elements.lng.value = p.coords.longitude.toFixed(7);
        b.disabled = false;
      }, function () {
        b.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
