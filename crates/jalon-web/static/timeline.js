// Opens the timeline on today when the drawing is wider than the screen (a phone): today's
// line is put a third of the way across, the phases' names staying on the left.
(function () {
  "use strict";
  function open() {
    document.querySelectorAll(".timeline .scroll[data-today]").forEach(function (s) {
      var at = parseFloat(s.getAttribute("data-today"));
      if (isNaN(at) || s.scrollWidth <= s.clientWidth) return;
      s.scrollLeft = Math.max(0, at * s.scrollWidth - s.clientWidth / 3);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", open);
  else open();
})();
