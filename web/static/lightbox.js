// Project photo gallery. A thumbnail is a link to #ph-ID, which CSS shows
// large (.lightbox:target) and the back button or the close link hides:
// it works without this script. The script adds what links cannot:
// Escape closes the photo, focus moves to its close link when it opens
// and back to the thumbnail when it closes.
(function () {
  "use strict";
  var opener = null;
  function sync() {
    var id = location.hash.slice(1);
    var box = id && document.getElementById(id);
    if (box && box.classList.contains("lightbox")) {
      var close = box.querySelector(".lb-close");
      if (close) close.focus();
    } else if (opener) {
      opener.focus();
      opener = null;
    }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.ph-open");
    if (a) opener = a;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.querySelector(".lightbox:target")) {
      e.preventDefault();
      location.hash = "photos";
    }
  });
  window.addEventListener("hashchange", sync);
  sync();
})();
