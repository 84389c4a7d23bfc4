/*
 * The desk's progressive enhancement. Every page works without this file: the editor's
 * body blocks are reordered with their "Position" numbers, removed with "Remove" and
 * added by filling an empty block. When JavaScript runs, this adds:
 *   - "Move up" / "Move down" buttons that reorder blocks and renumber the Position inputs,
 *   - "Add paragraph" (and friends) buttons that clone the formset's empty form,
 *   - image fields shown only for image blocks, live "¶ N" paragraph numbers,
 *   - an autosave of the editor's fields to localStorage, offered back after a crash,
 *   - a copy button for shared preview links and for the text an error page shows back,
 *   - "Go back" links on error pages that use the browser's Back (the form keeps its text),
 *   - for editors, a box that narrows the bylines' lists of authors as they type.
 */
(function () {
  "use strict";

  var NUMBERED_KINDS = { paragraph: true, blockquote: true };
  var KIND_LABELS = { subheading: "Subheading", image: "Image", blockquote: "Block quote" };
  var AUTOSAVE_EVERY_MS = 4000;
  var PENDING_KEY = "newsroom:autosave-pending";
  var TRANSIENT_PREFIX = "correction-";

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  /* ---------------------------------------------------------------- body blocks */

  function BlockEditor(form) {
    this.form = form;
    this.container = $("[data-blocks]", form);
    this.prefix = this.container.getAttribute("data-prefix");
    this.total = $("#id_" + this.prefix + "-TOTAL_FORMS", form);
    this.initialCount = parseInt($("#id_" + this.prefix + "-INITIAL_FORMS", form).value, 10) || 0;
    this.template = document.getElementById("block-empty-form");
    this.status = document.createElement("p");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.container.parentNode.insertBefore(this.status, this.container.nextSibling);
  }

  BlockEditor.prototype.blocks = function () {
    return $all("[data-block]", this.container);
  };

  BlockEditor.prototype.visibleBlocks = function () {
    return this.blocks().filter(function (b) { return !b.hidden; });
  };

  BlockEditor.prototype.field = function (block, name) {
    return $("[name$='-" + name + "']", block);
  };

  BlockEditor.prototype.kind = function (block) {
    var select = this.field(block, "kind");
    return select ? select.value : "paragraph";
  };

  BlockEditor.prototype.isBlank = function (block) {
    var text = this.field(block, "text");
    var current = this.field(block, "current_image");
    var image = this.field(block, "image");
    return !((text && text.value.trim()) || (current && current.value) ||
             (image && image.files && image.files.length));
  };

  BlockEditor.prototype.isDeleted = function (block) {
    var box = this.field(block, "DELETE");
    return Boolean(box && box.checked);
  };

  BlockEditor.prototype.index = function (block) {
    var order = this.field(block, "ORDER");
    var match = order && order.name.match(/-(\d+)-ORDER$/);
    return match ? parseInt(match[1], 10) : -1;
  };

  BlockEditor.prototype.init = function () {
    var self = this;
    // Untouched spare forms are for people without JavaScript; the Add buttons replace them.
    this.blocks().forEach(function (block) {
      var order = self.field(block, "ORDER");
      if (self.index(block) >= self.initialCount && self.isBlank(block) &&
          !(order && order.value) && !$(".is-invalid", block)) {
        block.hidden = true;
        block.setAttribute("data-spare", "");
      }
      self.enhance(block);
    });
    if (!this.visibleBlocks().length) {
      var first = this.blocks()[0];
      if (first) this.reveal(first);
    }
    $all("[data-nojs-help]", this.form).forEach(function (el) {
      el.textContent = "Use Move up and Move down to reorder blocks, or type Position numbers. " +
        "Tick Remove to delete a block when you save.";
    });
    var adders = $("[data-add-blocks]", this.form);
    if (adders && this.template) {
      adders.hidden = false;
      adders.addEventListener("click", function (event) {
        var button = event.target.closest("[data-add-block]");
        if (button) self.add(button.getAttribute("data-add-block"), true);
      });
    }
    this.container.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (button) self.move(button.closest("[data-block]"), button.getAttribute("data-move"), button);
    });
    this.container.addEventListener("change", function (event) {
      var block = event.target.closest("[data-block]");
      if (block) self.refresh(block);
      self.number();
    });
    this.container.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") fit(event.target);
      self.number();
    });
    $all("textarea", this.container).forEach(fit);
    this.number();
  };

  // A paragraph's box grows with its text, so the whole paragraph is readable at once.
  function fit(textarea) {
    if (!textarea.value) return;
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + 2 + "px";
  }

  BlockEditor.prototype.enhance = function (block) {
    var tools = $("[data-block-tools]", block);
    if (tools && !tools.children.length) {
      [["up", "Move up"], ["down", "Move down"]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-secondary";
        button.setAttribute("data-move", pair[0]);
        button.textContent = pair[1];
        tools.appendChild(button);
      });
    }
    this.refresh(block);
  };

  BlockEditor.prototype.reveal = function (block) {
    block.hidden = false;
    block.removeAttribute("data-spare");
  };

  BlockEditor.prototype.refresh = function (block) {
    var image = $("[data-block-image]", block);
    if (image) image.hidden = this.kind(block) !== "image";
    block.classList.toggle("desk-block-removed", this.isDeleted(block));
  };

  // Blocks in the order the server will save them: by Position, empty Positions last.
  BlockEditor.prototype.saveOrder = function () {
    var self = this;
    return this.visibleBlocks()
      .map(function (block, i) {
        var order = self.field(block, "ORDER");
        var n = order && order.value !== "" ? parseFloat(order.value) : Infinity;
        return { block: block, n: isNaN(n) ? Infinity : n, i: i };
      })
      .sort(function (a, b) { return a.n - b.n || a.i - b.i; })
      .map(function (item) { return item.block; });
  };

  BlockEditor.prototype.number = function () {
    var self = this;
    var count = 0;
    this.saveOrder().forEach(function (block) {
      var label = $("[data-block-number]", block);
      var kind = self.kind(block);
      var text;
      if (self.isDeleted(block)) {
        text = "Removed when you save";
      } else if (self.isBlank(block)) {
        text = "Empty block (not saved)";
      } else if (NUMBERED_KINDS[kind]) {
        count += 1;
        text = "¶ " + count + (kind === "blockquote" ? " · Block quote" : "");
      } else {
        text = KIND_LABELS[kind] || kind;
      }
      if (label) label.textContent = text;
    });
  };

  BlockEditor.prototype.renumber = function () {
    var self = this;
    this.visibleBlocks().forEach(function (block, i) {
      var order = self.field(block, "ORDER");
      if (order) order.value = String(i + 1);
    });
    this.number();
  };

  BlockEditor.prototype.sortDom = function () {
    var self = this;
    var spares = this.blocks().filter(function (b) { return b.hidden; });
    this.saveOrder().concat(spares).forEach(function (block) {
      self.container.appendChild(block);
    });
  };

  BlockEditor.prototype.move = function (block, direction, button) {
    if (!block) return;
    // Typed Position numbers win: line the page up with them before moving.
    this.sortDom();
    var visible = this.visibleBlocks();
    var at = visible.indexOf(block);
    var other = direction === "up" ? visible[at - 1] : visible[at + 1];
    if (!other) {
      this.say(direction === "up" ? "Already the first block." : "Already the last block.");
      return;
    }
    if (direction === "up") {
      this.container.insertBefore(block, other);
    } else {
      this.container.insertBefore(other, block);
    }
    this.renumber();
    if (button) button.focus();
    this.say("Moved to position " + (this.visibleBlocks().indexOf(block) + 1) + ".");
  };

  BlockEditor.prototype.add = function (kind, focus) {
    var index = parseInt(this.total.value, 10) || 0;
    var holder = document.createElement("template");
    holder.innerHTML = this.template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var block = holder.content.firstElementChild;
    var spares = this.blocks().filter(function (b) { return b.hidden; });
    this.container.insertBefore(block, spares[0] || null);
    this.total.value = String(index + 1);
    var select = this.field(block, "kind");
    if (select) select.value = kind || "paragraph";
    this.enhance(block);
    this.renumber();
    if (focus) {
      var target = this.field(block, kind === "image" ? "image" : "text");
      if (target) target.focus();
      this.say("Added a " + (KIND_LABELS[kind] || "paragraph").toLowerCase() + " at the end.");
    }
    return block;
  };

  BlockEditor.prototype.say = function (text) {
    this.status.textContent = text;
  };

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

  function Autosave(form, blocks) {
    this.form = form;
    this.blocks = blocks;
    this.store = storage();
    this.prefix = form.getAttribute("data-autosave-key");
    this.base = form.elements.namedItem("base_revision");
    this.banner = document.querySelector("[data-autosave-banner]");
  }

  Autosave.prototype.key = function () {
    return this.prefix + ":" + (this.base ? this.base.value : "0");
  };

  Autosave.prototype.collect = function () {
    var fields = {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" ||
          el.name === "base_revision") return;
      var type = (el.type || "").toLowerCase();
      if (type === "file" || type === "hidden" || type === "submit" || type === "button") return;
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
    if (json === this.initial || json === this.last) return;
    var total = this.blocks ? parseInt(this.blocks.total.value, 10) : 0;
    var draft = { savedAt: Date.now(), base: this.base ? this.base.value : "0",
                  total: total, fields: fields };
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
    var form = this.form;
    var blocks = this.blocks;
    if (blocks) {
      while ((parseInt(blocks.total.value, 10) || 0) < draft.total) blocks.add("paragraph", false);
    }
    Object.keys(draft.fields).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (!el || el.disabled || typeof el.type !== "string") return;
      if (el.type === "checkbox") {
        el.checked = Boolean(draft.fields[name]);
      } else {
        el.value = draft.fields[name];
      }
    });
    if (blocks) {
      blocks.blocks().forEach(function (block) {
        var order = blocks.field(block, "ORDER");
        if (block.hidden && (!blocks.isBlank(block) || (order && order.value))) blocks.reveal(block);
        blocks.refresh(block);
      });
      blocks.sortDom();
      blocks.number();
    }
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
    window.setInterval(function () { self.write(); }, AUTOSAVE_EVERY_MS);
    this.form.addEventListener("submit", function () {
      self.write();
      try {
        window.sessionStorage.setItem(PENDING_KEY, self.prefix);
      } catch (e) { /* see above */ }
    });
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
      var blocks = $("[data-blocks]", form) ? new BlockEditor(form) : null;
      if (blocks) blocks.init();
      new Autosave(form, blocks).init();
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
