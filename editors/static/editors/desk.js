/*
 * The desk's progressive enhancement. Every page works without this file (the story's body
 * is then its plain-text box; the body editor is editors/frontend/body-editor.js, built into
 * editors/static/editors/build/). When JavaScript runs, this adds:
 *   - an autosave of the editor's fields to localStorage, offered back after a crash,
 *   - a copy button for shared preview links and for the text an error page shows back,
 *   - "Go back" links on error pages that use the browser's Back (the form keeps its text),
 *   - for editors, a box that narrows the bylines' lists of authors as they type.
 */
(function () {
  "use strict";

  var AUTOSAVE_EVERY_MS = 4000;
  // Hidden fields a draft keeps: the body editor's blocks (the plain-text box is hidden too).
  var AUTOSAVED_HIDDEN = { body_json: true };
  var PENDING_KEY = "newsroom:autosave-pending";
  var TRANSIENT_PREFIX = "correction-";

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  /* ---------------------------------------------------------------- autosave */

  function storage() {
    try {
      var probe = "newsroom:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function Autosave(form) {
    this.form = form;
    this.store = storage();
    this.prefix = form.getAttribute("data-autosave-key");
    this.base = form.elements.namedItem("base_revision");
    this.banner = document.querySelector("[data-autosave-banner]");
  }

  Autosave.prototype.key = function () {
    return this.prefix + ":" + (this.base ? this.base.value : "0");
  };

  // body_json only while the body editor runs: without it the plain-text box is the body.
  Autosave.prototype.keepsHidden = function (name) {
    return Boolean(AUTOSAVED_HIDDEN[name]) && this.form.hasAttribute("data-body-editor-ready");
  };

  Autosave.prototype.collect = function () {
    var self = this;
    var fields = {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" ||
          el.name === "base_revision") return;
      var type = (el.type || "").toLowerCase();
      if (type === "hidden" && !self.keepsHidden(el.name)) return;
      if (type === "file" || type === "submit" || type === "button") return;
      fields[el.name] = type === "checkbox" ? el.checked : el.value;
    });
    return fields;
  };

  Autosave.prototype.drafts = function () {
    var found = [];
    for (var i = 0; i < this.store.length; i += 1) {
      var key = this.store.key(i);
      if (key && key.indexOf(this.prefix + ":") === 0) found.push(key);
    }
    return found;
  };

  Autosave.prototype.clearAll = function () {
    var self = this;
    this.drafts().forEach(function (key) { self.store.removeItem(key); });
  };

  Autosave.prototype.write = function () {
    var fields = this.collect();
    var json = JSON.stringify(fields);
    if (this.initial === undefined || json === this.initial || json === this.last) return;
    var draft = { savedAt: Date.now(), base: this.base ? this.base.value : "0", fields: fields };
    try {
      this.store.setItem(this.key(), JSON.stringify(draft));
      this.last = json;
    } catch (e) {
      /* Storage full or blocked: autosave is a convenience, the Save button still works. */
    }
  };

  Autosave.prototype.newest = function () {
    var self = this;
    var best = null;
    this.drafts().forEach(function (key) {
      try {
        var draft = JSON.parse(self.store.getItem(key));
        if (draft && draft.fields && (!best || draft.savedAt > best.draft.savedAt)) {
          best = { key: key, draft: draft };
        }
      } catch (e) {
        self.store.removeItem(key);
      }
    });
    return best;
  };

  // Whether a stored draft holds words the page does not: the story's fields only. The
  // correction fields belong to one save (the server fills them in on the review step, and
  // empties them once the change is live), so they alone never make a draft worth offering.
  Autosave.prototype.differs = function (fields) {
    var current = this.collect();
    return Object.keys(fields).some(function (name) {
      if (name.indexOf(TRANSIENT_PREFIX) === 0) return false;
      return name in current ? current[name] !== fields[name] : fields[name] !== "" && fields[name] !== false;
    });
  };

  Autosave.prototype.offer = function (found) {
    var self = this;
    if (!this.banner) return;
    var when = new Date(found.draft.savedAt);
    var sameDay = when.toDateString() === new Date().toDateString();
    var label = (sameDay ? "" : when.toLocaleDateString() + " ") +
      when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    var text = "Restore unsaved text from " + label + "?";
    if (this.base && String(found.draft.base) !== String(this.base.value)) {
      text += " It was written against revision " + found.draft.base +
        "; saving it will show what changed since.";
    }
    $("[data-autosave-text]", this.banner).textContent = text;
    this.banner.hidden = false;
    $("[data-autosave-restore]", this.banner).addEventListener("click", function () {
      self.restore(found.draft);
      self.banner.hidden = true;
    });
    $("[data-autosave-discard]", this.banner).addEventListener("click", function () {
      self.clearAll();
      self.banner.hidden = true;
    });
  };

  Autosave.prototype.restore = function (draft) {
    var self = this;
    var form = this.form;
    Object.keys(draft.fields).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (!el || el.disabled || typeof el.type !== "string") return;
      if (el.type === "hidden" && !self.keepsHidden(name)) return;
      if (el.type === "checkbox") {
        el.checked = Boolean(draft.fields[name]);
      } else {
        el.value = draft.fields[name];
      }
    });
    // The body editor shows the restored body_json.
    form.dispatchEvent(new CustomEvent("desk:restored"));
    // Saving against the draft's revision lets the server show what others changed since.
    if (this.base && draft.base !== undefined) this.base.value = String(draft.base);
  };

  Autosave.prototype.init = function () {
    var self = this;
    if (!this.store || !this.prefix) return;
    var pending = null;
    try {
      pending = window.sessionStorage.getItem(PENDING_KEY);
      window.sessionStorage.removeItem(PENDING_KEY);
    } catch (e) { /* no session storage: drafts are then cleared when they match the page */ }
    // This page is the server's answer to this form's submit: the saved story, or the same
    // words sent back (the correction's review step, an error to fix).
    var answered = Boolean(pending && pending === this.prefix);
    var saved = Boolean(this.form.getAttribute("data-saved"));
    if (answered && saved) {
      this.clearAll();
    }
    this.whenBodyEditorIsReady(function () { self.check(answered, saved); });
    window.setInterval(function () { self.write(); }, AUTOSAVE_EVERY_MS);
    this.form.addEventListener("submit", function () {
      self.write();
      try {
        window.sessionStorage.setItem(PENDING_KEY, self.prefix);
      } catch (e) { /* see above */ }
    });
  };

  // The body editor (a script after this one) fills body_json when it starts: compare
  // drafts with the page once it has, or once the page has loaded without it.
  Autosave.prototype.whenBodyEditorIsReady = function (then) {
    var form = this.form;
    var done = false;
    var once = function () {
      if (!done) {
        done = true;
        then();
      }
    };
    if (!$("[data-body-editor]", form) || form.hasAttribute("data-body-editor-ready")) {
      once();
      return;
    }
    form.addEventListener("body-editor:ready", once);
    window.addEventListener("load", once);
  };

  Autosave.prototype.check = function (answered, saved) {
    this.initial = JSON.stringify(this.collect());
    var found = this.newest();
    if (found) {
      if (this.differs(found.draft.fields)) {
        this.offer(found);
      } else if (!answered || saved) {
        this.store.removeItem(found.key);
      }
      // Else the page shows what was submitted and nothing is saved yet: no offer, but the
      // draft stays, in case they leave before saving.
    }
  };

  /* ---------------------------------------------------------------- small helpers */

  function enhanceCopyButtons() {
    $all("[data-copy]").forEach(function (button) {
      var input = $(button.getAttribute("data-copy"));
      var status = $("[data-copy-status]");
      if (!input) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        input.focus();
        input.select();
        var done = function () { if (status) status.textContent = "Copied to the clipboard."; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () {
            if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected text.";
          });
        } else {
          try {
            if (document.execCommand("copy")) done();
          } catch (e) {
            if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected text.";
          }
        }
      });
    });
    $all("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  function enhanceBackLinks() {
    // "Go back" on an error page: the browser's Back button returns to the form with what
    // was typed still in it; following the link would load a fresh copy of the page.
    $all("[data-history-back]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (window.history.length > 1) {
          event.preventDefault();
          window.history.back();
        }
      });
    });
  }

  function enhanceBylineSearch() {
    // An editor picks bylines from every author: typing here narrows each byline's list
    // to the authors whose name, title or slug holds the text (a chosen one always stays).
    $all("[data-byline-search]").forEach(function (box) {
      var input = $("input", box);
      var fieldset = box.closest("fieldset");
      box.hidden = false;
      input.addEventListener("input", function () {
        var text = input.value.trim().toLowerCase();
        $all("select", fieldset).forEach(function (select) {
          Array.prototype.forEach.call(select.options, function (option) {
            var match = option.text.toLowerCase().indexOf(text) !== -1;
            option.hidden = Boolean(text && option.value && !option.selected && !match);
          });
        });
      });
    });
  }

  function init() {
    var form = document.getElementById("article-form");
    if (form && !form.hasAttribute("data-readonly")) {
      new Autosave(form).init();
    }
    enhanceCopyButtons();
    enhanceBackLinks();
    enhanceBylineSearch();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
