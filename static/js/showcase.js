/*
 * Showcase listing: apply a filter as soon as a box is ticked. Without this
 * script the "Apply filters" button does the same, so nothing depends on it.
 * Focus returns to the same checkbox after the reload, so keyboard users keep
 * their place.
 */
(function () {
    "use strict";
    var form = document.querySelector("[data-showcase-filters]");
    if (!form) {
        return;
    }
    var key = "showcase-focus";
    // Filters start folded (phones see results first); wide screens show them open.
    var details = form.querySelector("[data-showcase-filter-details]");
    if (details && window.matchMedia("(min-width: 56rem)").matches) {
        details.open = true;
    }
    form.addEventListener("change", function (event) {
        var input = event.target;
        if (!input.matches("[data-autosubmit]")) {
            return;
        }
        try {
            window.sessionStorage.setItem(key, input.id);
        } catch (_error) { /* storage may be disabled: focus is then not restored */ }
        form.requestSubmit ? form.requestSubmit() : form.submit();
    });
    try {
        var id = window.sessionStorage.getItem(key);
        if (id) {
            window.sessionStorage.removeItem(key);
            var again = document.getElementById(id);
            if (again) {
                again.focus();
            }
        }
    } catch (_error) { /* ignore */ }
})();
