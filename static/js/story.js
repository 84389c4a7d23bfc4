/*
 * The story page's one enhancement. Each numbered paragraph ends with a "¶" link to its own
 * address (#p3); without JavaScript it is a plain link. With it, clicking the link copies
 * the paragraph's full address (the story's canonical URL and #p3) to the clipboard and
 * says so in a live region, without jumping the page.
 */
(function () {
  "use strict";

  var CLEAR_AFTER_MS = 5000;

  function storyUrl() {
    var canonical = document.querySelector("link[rel='canonical']");
    var url = new URL(canonical ? canonical.href : window.location.href);
    url.hash = "";
    url.search = canonical ? url.search : "";
    return url;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var box = document.createElement("textarea");
      box.value = text;
      box.setAttribute("readonly", "");
      box.className = "visually-hidden";
      document.body.appendChild(box);
      box.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (e) {
        copied = false;
      }
      box.remove();
      if (copied) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function init() {
    var links = document.querySelectorAll("[data-paragraph-link]");
    if (!links.length) return;
    var status = document.createElement("p");
    status.className = "paragraph-link-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    var timer = null;

    function say(text) {
      status.textContent = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { status.textContent = ""; }, CLEAR_AFTER_MS);
    }

    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        var url = storyUrl();
        url.hash = link.getAttribute("href");
        var number = link.getAttribute("href").replace("#p", "");
        event.preventDefault();
        copyText(url.href).then(
          function () { say("Link to paragraph " + number + " copied: " + url.href); },
          function () {
            // No clipboard: go to the paragraph, so its address is in the address bar.
            window.location.hash = link.getAttribute("href");
            say("Copy the address bar to share paragraph " + number + ".");
          }
        );
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
