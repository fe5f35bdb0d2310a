/*
 * Platform — small enhancements only; every page works without this file.
 * - The main menu is a <details> element: on wide screens keep it open (for
 *   browsers without ::details-content), on phones close it with Escape.
 */
(function () {
    "use strict";
    var nav = document.querySelector("[data-site-nav]");
    if (!nav) return;
    var wide = window.matchMedia("(min-width: 56em)");
    function sync() { if (wide.matches) nav.setAttribute("open", ""); else nav.removeAttribute("open"); }
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
    document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && nav.hasAttribute("open") && !wide.matches) {
            nav.removeAttribute("open");
            var toggle = nav.querySelector("summary");
            if (toggle) toggle.focus();
        }
    });
})();
