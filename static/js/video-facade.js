/* Click-to-load video: swap the poster for the player only when the visitor asks.
   Until then the page makes no request to the video site (privacy, speed). */
(function () {
  "use strict";
  if (window.platformVideoFacade) return; // the include may appear more than once
  window.platformVideoFacade = true;

  function play(facade) {
    var frame = facade.querySelector(".video-facade__frame");
    var iframe = document.createElement("iframe");
    iframe.src = facade.getAttribute("data-embed-url");
    iframe.title = (facade.getAttribute("data-title") || "Video") + " (video player)";
    iframe.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    iframe.setAttribute("allowfullscreen", "");
    iframe.className = "video-facade__player";
    frame.replaceChildren(iframe);
    facade.classList.add("is-playing");
    iframe.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-video-play]");
    if (!link) return;
    var facade = link.closest("[data-video-facade]");
    if (!facade || event.ctrlKey || event.metaKey || event.shiftKey) return; // let "open in new tab" work
    event.preventDefault();
    play(facade);
  });
})();
