// The list page's "Print" link: shown only where JavaScript can print (the print
// stylesheet in commissioners.css lays the list out either way, from the browser's menu).
(function () {
  "use strict";

  var printLink = document.querySelector(".shortlist-print");
  if (!printLink) return;
  printLink.hidden = false;
  printLink.addEventListener("click", function (event) {
    event.preventDefault();
    window.print();
  });
})();
