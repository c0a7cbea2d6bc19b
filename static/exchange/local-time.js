// Show each <time data-local> in the reader's own time zone, with the zone's name; without
// scripts the page shows the portal's zone, also named.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    var text = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short"
    }).format(when);
    el.textContent = text + (zone ? " (" + zone + ")" : "");
  });
})();
