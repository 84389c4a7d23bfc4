/*
 * Presence on the editor page (editors.presence): who else has the story open.
 *
 * The server counts the page's render as its first heartbeat. This script keeps the tab
 * counted only while someone is really there: it beats every data-presence-every-ms (a
 * third of the server's expiry) while the page is visible and its user typed, clicked or
 * scrolled in the last IDLE_AFTER_MS, and shows who is there now from each beat's answer.
 * When the page goes away (pagehide, or a form on it is submitted) it says goodbye
 * with navigator.sendBeacon: a POST that cannot carry headers, so the CSRF token travels
 * in the form data. A tab that stops beating drops out when the server's expiry runs out.
 */
(function () {
  "use strict";

  var IDLE_AFTER_MS = 150000;
  // The render cannot tell the page it replaced from another window of the same person (it
  // says goodbye as this one loads), so it names only others: the first beat, a moment
  // after load, names the person's own other windows too.
  var FIRST_BEAT_MS = 1000;
  var ACTIVITY = ["keydown", "input", "pointerdown", "pointermove", "wheel", "scroll", "touchstart"];

  function newTab() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function init() {
    var box = document.querySelector("[data-presence]");
    if (!box || !window.fetch || !window.URLSearchParams) return;
    var beatUrl = box.getAttribute("data-presence-url");
    var leaveUrl = box.getAttribute("data-presence-leave-url");
    var every = parseInt(box.getAttribute("data-presence-every-ms"), 10) || 20000;
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var tabInput = document.querySelector("input[name=presence_tab]");
    var tab = box.getAttribute("data-presence-tab");
    var lastActive = Date.now();
    var gone = false;
    var pending = false;

    function form() {
      var data = new URLSearchParams();
      data.append("tab", tab);
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      return data;
    }

    function idle() {
      return Date.now() - lastActive >= IDLE_AFTER_MS;
    }

    function beat() {
      if (gone || pending || document.visibilityState !== "visible" || idle()) return;
      pending = true;
      window.fetch(beatUrl, { method: "POST", body: form(), credentials: "same-origin" })
        .then(function (response) {
          // A redirect is the login page (the session ended): nothing to show from it.
          return response.ok && !response.redirected ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null && !gone) box.innerHTML = html;
        })
        .catch(function () { /* offline or the server is down: try again next time */ })
        .then(function () { pending = false; });
    }

    function leave() {
      if (gone) return;
      gone = true;
      if (navigator.sendBeacon) navigator.sendBeacon(leaveUrl, form());
    }

    // A page that comes back (from the back-forward cache, or a submit that did not
    // navigate) is a new tab to the server: the old one said goodbye.
    function comeBack() {
      if (!gone) return;
      tab = newTab();
      if (tabInput) tabInput.value = tab;
      gone = false;
      beat();
    }

    ACTIVITY.forEach(function (type) {
      document.addEventListener(type, function () {
        var wasIdle = idle();
        lastActive = Date.now();
        if (wasIdle) beat();
      }, { capture: true, passive: true });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") beat();
    });
    document.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      // Say goodbye before the post: the page it leads to must not count this one.
      leave();
      window.setTimeout(comeBack, 3 * every);
    });
    window.addEventListener("pagehide", leave);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) comeBack();
    });
    window.setTimeout(beat, FIRST_BEAT_MS);
    window.setInterval(beat, every);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
