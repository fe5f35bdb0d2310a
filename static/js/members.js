// Member profile form enhancements. Everything works without this file:
// checkboxes are plain, ordered rows get an empty row after each save.
(function () {
  "use strict";

  // Filter skills / sectors checkboxes as the member types.
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var search = picker.querySelector("[data-picker-search]");
    var input = picker.querySelector("[data-picker-input]");
    var count = picker.querySelector("[data-picker-count]");
    if (!search || !input) return;
    search.hidden = false;
    var items = picker.querySelectorAll("[data-choice-label]");
    input.addEventListener("input", function () {
      var term = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var match = !term || item.getAttribute("data-choice-label").indexOf(term) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      picker.querySelectorAll("[data-choice-group]").forEach(function (group) {
        group.hidden = !group.querySelector("[data-choice-label]:not([hidden])");
      });
      count.textContent = term ? shown + " matching" : "";
    });
  });

  // Preview of a chosen image (logo, poster, gallery rows), read locally: nothing is
  // uploaded until saving. Delegated, so rows added below get previews too.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[type="file"]')) return;
    var preview = document.querySelector('[data-image-preview="' + input.name + '"]');
    var file = input.files && input.files[0];
    if (!preview || !file || !/^image\/(png|jpeg|webp)$/.test(file.type)) return;
    var img = preview.querySelector("img[data-image-new]") || document.createElement("img");
    img.setAttribute("data-image-new", "");
    img.alt = "Preview of the new " + (preview.getAttribute("data-image-noun") || "image");
    img.src = URL.createObjectURL(file);
    preview.querySelectorAll("[data-image-empty]").forEach(function (el) { el.remove(); });
    preview.appendChild(img);
  });

  // Ordered rows (credits, awards, gallery): add rows from the empty form template,
  // up to the formset's maximum.
  document.querySelectorAll("[data-formset]").forEach(function (formset) {
    var list = formset.querySelector("[data-formset-list]");
    var template = formset.querySelector("[data-formset-template]");
    var total = formset.querySelector('input[name$="-TOTAL_FORMS"]');
    var max = formset.querySelector('input[name$="-MAX_NUM_FORMS"]');
    var addWrapper = formset.querySelector("[data-formset-add-wrapper]");
    var add = formset.querySelector("[data-formset-add]");
    if (!list || !template || !total || !add) return;
    var full = function () {
      return max && parseInt(total.value, 10) >= parseInt(max.value, 10);
    };
    addWrapper.hidden = full();
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = list.lastElementChild;
      var order = added.querySelector('input[name$="-ORDER"]');
      if (order) order.value = String(index + 1);
      var first = added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
      if (full()) addWrapper.hidden = true;
    });
  });

  var errors = document.getElementById("form-errors");
  if (errors) errors.focus();
})();
