// The listing's filters fold behind a "Filters" button (a <details>) so that on a phone the first event shows near
// the top. On a wide screen, where they sit beside the results, they start open. Without this script they simply
// start folded, and everything still works.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 52.01rem)");
  var panels = document.querySelectorAll("details[data-open-when-wide]");
  function follow() {
    for (var i = 0; i < panels.length; i++) {
      if (wide.matches) panels[i].open = true;
    }
  }
  follow();
  if (wide.addEventListener) wide.addEventListener("change", follow);
})();
