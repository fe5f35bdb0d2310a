/* Directory search without page reloads: an enhancement of the plain GET form.
   Ticking a filter or changing the sort submits at once; the form, pagination
   and "remove filter" links fetch the same URL the browser would load, swap in
   the new filters and results, and put the URL in the address bar
   (history.pushState), so Back, bookmarks and sharing work as before.
   If anything fails, the browser simply loads the page. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-directory-search]");
  if (!form || !window.fetch || !window.DOMParser || !window.history.pushState) return;

  var results = form.querySelector("[data-swap=results]");
  var filters = form.querySelector("[data-swap=filters]");
  var controller = null;
  form.classList.add("js-directory");

  function formUrl() {
    var params = new URLSearchParams();
    var near = "";
    new FormData(form).forEach(function (value, name) {
      value = String(value).trim();
      if (name === "near") near = value;
      if (value !== "") params.append(name, value);
    });
    // Keep shared URLs short: drop what has no effect.
    if (!near) {
      params.delete("radius");
      if (params.get("sort") === "distance") params.delete("sort");
    }
    if (params.get("sort") === "relevance") params.delete("sort");
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function load(url, options) {
    options = options || {};
    if (controller) controller.abort();
    controller = new AbortController();
    var focusedId = document.activeElement && filters.contains(document.activeElement) ? document.activeElement.id : null;
    var openDetails = Array.prototype.map.call(filters.querySelectorAll("details[open]"), function (d) {
      return d.className;
    });
    results.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { Accept: "text/html" }, signal: controller.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var newResults = doc.querySelector("[data-swap=results]");
        var newFilters = doc.querySelector("[data-swap=filters]");
        if (!newResults || !newFilters) throw new Error("unexpected page");
        results.innerHTML = newResults.innerHTML;
        filters.innerHTML = newFilters.innerHTML;
        // Keep disclosures as the visitor left them (the "Filters" one above all).
        openDetails.forEach(function (className) {
          var details = filters.querySelector("details[class='" + className + "']");
          if (details) details.open = true;
        });
        var q = doc.querySelector("#directory-q");
        if (q && options.syncText) form.querySelector("#directory-q").value = q.value;
        var sort = doc.querySelector("#directory-sort");
        if (sort) form.querySelector("#directory-sort").innerHTML = sort.innerHTML;
        document.title = doc.title;
        if (options.push !== false) window.history.pushState({ directory: true }, "", url);
        if (focusedId && document.getElementById(focusedId)) {
          document.getElementById(focusedId).focus();
        } else if (options.focusResults) {
          results.focus();
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        window.location.assign(url);
      })
      .finally(function () {
        results.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(formUrl());
  });

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.hasAttribute("data-autosubmit")) {
      load(formUrl());
    } else if (target.name === "radius" && form.querySelector("#directory-near").value.trim()) {
      load(formUrl());
    }
  });

  // Pagination, "remove this filter" and "clear all" links inside the results.
  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    var action = form.getAttribute("action");
    var path = new URL(link.href, window.location.href).pathname;
    if (path !== new URL(action, window.location.href).pathname) return; // a company page: navigate
    event.preventDefault();
    load(link.href, { focusResults: true, syncText: true });
  });

  window.addEventListener("popstate", function () {
    load(window.location.href, { push: false, syncText: true });
  });
  window.history.replaceState({ directory: true }, "", window.location.href);

  // Wide screens show the filters beside the results: keep the disclosure open.
  var wide = window.matchMedia("(min-width: 60em)");
  var details = filters.querySelector("details[data-filters]");
  if (details && wide.matches) details.open = true;
})();
