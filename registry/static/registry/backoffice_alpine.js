/* The back office runs django-unfold's screens on Alpine's CSP build (no 'unsafe-eval': config/csp.py).
 *
 * That build reads x-* expressions with its own parser: it finds only names Alpine knows (data components,
 * magics, the component's own state), never browser globals, and reads one expression, not statements. So:
 * - unfold's component functions (globals defined by its app.js) are registered as Alpine data components;
 * - the page state unfold writes inline on <body> (sidebar open or closed, remembered in localStorage; the
 *   active tab from the address's #fragment) is the `backOffice` component below;
 * - `window.location`, which unfold's change form reads to keep the tab in the form's address, is offered as
 *   a plain object, and the inline-sorting callbacks as the component's own methods.
 * Loaded (deferred) before Alpine itself, so its listener is in place when Alpine starts.
 */
(function () {
  "use strict";

  var SIDEBAR_KEY = "sidebarDesktopOpen";

  function storedSidebar() {
    try {
      var stored = window.localStorage.getItem(SIDEBAR_KEY);
      return stored === null ? true : stored === "1";
    } catch (error) {
      return true;
    }
  }

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    ["theme", "searchForm", "searchDropdown", "searchCommand"].forEach(function (name) {
      if (typeof window[name] === "function") {
        Alpine.data(name, window[name]);
      }
    });

    Alpine.data("backOffice", function () {
      return {
        activeTab: "",
        sidebarMobileOpen: false,
        sidebarDesktopOpen: storedSidebar(),
        window: { location: { pathname: window.location.pathname, search: window.location.search } },
        init: function () {
          var body = this.$el;
          var current = body.dataset.hasTabs && typeof window.getCurrentTab === "function" ? window.getCurrentTab() : null;
          this.activeTab = current || body.dataset.primaryTab || "";
          this.$watch("sidebarDesktopOpen", function (open) {
            try {
              window.localStorage.setItem(SIDEBAR_KEY, open ? "1" : "0");
            } catch (error) {
              /* private mode: the choice lasts for this page only */
            }
          });
        },
        toggleSidebarDesktop: function () {
          this.sidebarDesktopOpen = !this.sidebarDesktopOpen;
        },
        toggleSidebarMobile: function () {
          this.sidebarMobileOpen = !this.sidebarMobileOpen;
        },
        sortRecords: function (event) {
          if (typeof window.sortRecords === "function") {
            window.sortRecords(event);
          }
        },
        moveRecords: function (event) {
          return typeof window.moveRecords === "function" ? window.moveRecords(event) : undefined;
        },
      };
    });
  });
})();
