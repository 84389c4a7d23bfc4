/*
 * Attributing by hand on the story page, in two actions (editors.views.attributing).
 *
 * 1. Select words inside one numbered paragraph (any element with data-paragraph-number),
 *    or press a finding's "Attribute…" in the quote finder: a popover opens beside them
 *    with the search box focused and the kind guessed (a direct quote inside quote marks,
 *    else a paraphrase).
 * 2. Choose a source from the type-ahead (click, or arrows and Enter), or "Create source
 *    '…'" to name a new one with its title or role and affiliation in place.
 *
 * The popover posts the same form as the page that works without JavaScript (asking for
 * JSON), then puts the refreshed Attributions and quote-finder cards in place and says
 * "Attributed to …" in a live region. A refusal (words not in the paragraph as saved, say)
 * shows in the popover with everything kept. Nothing here is inline: the strict CSP holds.
 */
(function () {
  "use strict";

  var SEARCH_DELAY_MS = 150;
  var SELECTION_DELAY_MS = 400;
  var OPENING_QUOTES = "“„«";
  var CLOSING_QUOTES = "”»";
  var QUOTE_START = /^["“„«]/;

  var card, popover, words, paragraphLabel, kindSelect, search, list, newForm, error;
  var affiliations, status;
  var state = null; // {text, paragraph, kind, editable, opener}
  var results = [];
  var active = -1;
  var searchTimer = null;
  var selectionTimer = null;
  var searchSeq = 0;
  var pointerDown = false;
  var busy = false;
  var pending = false; // a search typed is not answered yet
  var enterWhenAnswered = false;

  function qs(root, selector) {
    return root.querySelector(selector);
  }

  function numbered(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-paragraph-number]") : null;
  }

  // Inside quote marks when the last opening mark before the words is not closed yet (or
  // an odd number of straight double quotes precede them), or the words start with one.
  function guessKind(before, text) {
    if (QUOTE_START.test(text)) return "quote";
    var lastOpen = -1;
    var lastClose = -1;
    for (var i = 0; i < before.length; i++) {
      if (OPENING_QUOTES.indexOf(before[i]) >= 0) lastOpen = i;
      if (CLOSING_QUOTES.indexOf(before[i]) >= 0) lastClose = i;
    }
    if (lastOpen > lastClose) return "quote";
    var straight = (before.match(/"/g) || []).length;
    return straight % 2 === 1 ? "quote" : "paraphrase";
  }

  // The words selected inside one numbered element: in a text field that stands in one,
  // or a document selection that starts and ends in the same one.
  function selected() {
    var field = document.activeElement;
    if (field && (field.tagName === "TEXTAREA" || field.tagName === "INPUT") && !popover.contains(field)) {
      var holder = numbered(field);
      if (!holder || field.selectionEnd <= field.selectionStart) return null;
      var value = field.value;
      return picked(holder, value.slice(0, field.selectionStart),
        value.slice(field.selectionStart, field.selectionEnd), field.getBoundingClientRect(), true);
    }
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    var element = numbered(range.startContainer);
    if (!element || element !== numbered(range.endContainer) || popover.contains(element)) return null;
    var before = document.createRange();
    before.selectNodeContents(element);
    before.setEnd(range.startContainer, range.startOffset);
    return picked(element, readable(before), readable(range), range.getBoundingClientRect(),
      element.isContentEditable);
  }

  // The words as readers read them: a paragraph number shown beside them (aria-hidden) is
  // not part of the paragraph.
  function readable(range) {
    var fragment = range.cloneContents();
    Array.prototype.forEach.call(fragment.querySelectorAll("[aria-hidden=true]"), function (node) {
      node.parentNode.removeChild(node);
    });
    return fragment.textContent;
  }

  function picked(element, before, text, rect, editable) {
    var trimmed = text.replace(/\s+/g, " ").trim();
    if (!trimmed) return null;
    return {
      text: trimmed,
      paragraph: element.getAttribute("data-paragraph-number"),
      kind: guessKind(before, trimmed),
      rect: rect,
      editable: editable,
      opener: null
    };
  }

  function checkSelection() {
    if (busy || (state && popover.contains(document.activeElement))) return;
    var found = selected();
    if (!found) {
      // Words selected while editing stop being selected as the editing goes on.
      if (state && state.editable) close(false);
      return;
    }
    if (state && !popover.hidden && state.text === found.text && state.paragraph === found.paragraph) return;
    open(found);
  }

  function place(rect) {
    var width = popover.offsetWidth;
    var left = Math.min(rect.left, document.documentElement.clientWidth - width - 8);
    popover.style.left = Math.max(8, left) + window.scrollX + "px";
    popover.style.top = rect.bottom + window.scrollY + 6 + "px";
  }

  function open(found) {
    state = found;
    words.textContent = found.text;
    paragraphLabel.textContent = found.paragraph;
    kindSelect.value = found.kind;
    search.value = "";
    newForm.hidden = true;
    newForm.reset();
    hideError();
    show([]);
    popover.hidden = false;
    place(found.rect);
    // In a field being edited, typing goes on editing: the search box waits for a click.
    if (!found.editable) search.focus({ preventScroll: true });
  }

  function close(restoreFocus) {
    if (popover.hidden) return;
    popover.hidden = true;
    window.clearTimeout(searchTimer);
    searchSeq++;
    pending = enterWhenAnswered = false;
    var opener = state && state.opener;
    state = null;
    if (restoreFocus && opener && document.contains(opener)) opener.focus();
  }

  function hideError() {
    error.hidden = true;
    error.textContent = "";
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
  }

  // The listbox: the sources found, then "Create source '…'" for the name typed.
  function show(found) {
    pending = false;
    results = found;
    list.textContent = "";
    var typed = search.value.replace(/\s+/g, " ").trim();
    found.forEach(function (source, index) {
      var item = option(index);
      var name = document.createElement("span");
      name.className = "fw-semibold";
      name.textContent = source.name;
      var about = document.createElement("span");
      about.className = "d-block small text-body-secondary";
      var parts = [source.role, source.affiliation].filter(Boolean);
      parts.push(source.kind_label);
      parts.push("quoted in " + source.stories + (source.stories === 1 ? " story" : " stories"));
      about.textContent = parts.join(" · ");
      item.appendChild(name);
      item.appendChild(about);
      list.appendChild(item);
    });
    if (typed) {
      var create = option(found.length);
      create.classList.add("desk-attribute-create");
      create.textContent = "Create source ‘" + typed + "’…";
      list.appendChild(create);
    }
    list.hidden = !list.children.length;
    search.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    activate(list.children.length ? 0 : -1);
    if (enterWhenAnswered) {
      enterWhenAnswered = false;
      choose(0);
    }
  }

  function option(index) {
    var item = document.createElement("li");
    item.id = "attribute-option-" + index;
    item.className = "desk-attribute-option";
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.setAttribute("data-index", String(index));
    return item;
  }

  function activate(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0) {
      search.setAttribute("aria-activedescendant", "attribute-option-" + index);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    if (index < 0 || index >= list.children.length) return;
    if (index < results.length) {
      submit({ source: String(results[index].id) });
      return;
    }
    newForm.hidden = false;
    newForm.elements.new_name.value = search.value.replace(/\s+/g, " ").trim();
    list.hidden = true;
    search.setAttribute("aria-expanded", "false");
    newForm.elements.new_role.focus();
  }

  function find(query, then) {
    var url = card.getAttribute("data-source-search-url") + "?q=" + encodeURIComponent(query);
    var seq = ++searchSeq;
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok && !response.redirected ? response.json() : { results: [] };
      })
      .then(function (body) {
        if (seq === searchSeq) then(body.results || []);
      })
      .catch(function () {
        if (seq === searchSeq) then([]);
      });
  }

  function onSearchInput() {
    window.clearTimeout(searchTimer);
    newForm.hidden = true;
    var query = search.value.trim();
    if (!query) {
      searchSeq++;
      enterWhenAnswered = false;
      show([]);
      return;
    }
    pending = true;
    searchTimer = window.setTimeout(function () {
      find(query, show);
    }, SEARCH_DELAY_MS);
  }

  function onSearchKey(event) {
    var count = list.hidden ? 0 : list.children.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      activate(Math.min(active + 1, count - 1));
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      activate(Math.max(active - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      // Enter typed faster than the search answers chooses what it answers first.
      if (pending) enterWhenAnswered = true;
      else if (count) choose(active < 0 ? 0 : active);
    }
  }

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function submit(fields) {
    if (!state || busy) return;
    busy = true;
    hideError();
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token());
    data.append("text", state.text);
    data.append("paragraph", state.paragraph);
    data.append("kind", kindSelect.value);
    Object.keys(fields).forEach(function (name) {
      data.append(name, fields[name]);
    });
    var editable = state.editable;
    window.fetch(card.getAttribute("data-attribute-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token() }
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        }, function () {
          return { ok: false, body: { errors: ["The desk did not answer as expected (are you still logged in?)."] } };
        });
      })
      .then(function (outcome) {
        busy = false;
        if (outcome.ok) {
          done(outcome.body);
          return;
        }
        var message = (outcome.body.errors || ["Not attributed."]).join(" ");
        if (editable) message += " The desk checks the paragraph as last saved: save your changes first.";
        showError(message);
      })
      .catch(function () {
        busy = false;
        showError("Not attributed: the desk could not be reached. Try again.");
      });
  }

  function done(body) {
    var story = qs(document, "[data-attribute-story]");
    var wasOpen = story && story.open;
    Object.keys(body.cards || {}).forEach(function (id) {
      var current = document.getElementById(id);
      if (!current) return;
      var holder = document.createElement("template");
      holder.innerHTML = body.cards[id];
      var fresh = holder.content.firstElementChild;
      if (fresh) current.replaceWith(fresh);
    });
    card = document.getElementById("attributions") || card;
    reveal(wasOpen);
    var selection = window.getSelection();
    if (selection) selection.removeAllRanges();
    close(false);
    announce(body.message);
  }

  function announce(message) {
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function reveal(open) {
    var story = qs(document, "[data-attribute-story]");
    if (!story) return;
    story.hidden = false;
    if (open) story.open = true;
  }

  function onAffiliationInput() {
    var query = newForm.elements.new_affiliation_name.value.trim();
    if (!query) return;
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(function () {
      find(query, function (found) {
        affiliations.textContent = "";
        found.forEach(function (source) {
          var item = document.createElement("option");
          item.value = source.name;
          affiliations.appendChild(item);
        });
      });
    }, SEARCH_DELAY_MS);
  }

  function onFinding(event) {
    var button = event.target.closest("[data-attribute-finding]");
    if (!button) return;
    event.preventDefault();
    open({
      text: button.getAttribute("data-text"),
      paragraph: button.getAttribute("data-paragraph"),
      kind: button.getAttribute("data-kind") || "paraphrase",
      rect: button.getBoundingClientRect(),
      editable: false,
      opener: button
    });
  }

  function init() {
    card = document.getElementById("attributions");
    var template = document.getElementById("attribute-popover-template");
    if (!card || !template || !window.fetch || !window.FormData) return;
    popover = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(popover);
    words = qs(popover, "[data-attribute-words]");
    paragraphLabel = qs(popover, "[data-attribute-paragraph]");
    kindSelect = qs(popover, "[data-attribute-kind]");
    search = qs(popover, "[data-attribute-search]");
    list = qs(popover, "[data-attribute-results]");
    newForm = qs(popover, "[data-attribute-new]");
    error = qs(popover, "[data-attribute-error]");
    affiliations = qs(popover, "[data-attribute-affiliations]");
    status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("data-attribute-status", "");
    document.body.appendChild(status);
    reveal(false);

    search.addEventListener("input", onSearchInput);
    search.addEventListener("keydown", onSearchKey);
    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the search box
    });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) choose(parseInt(item.getAttribute("data-index"), 10));
    });
    list.addEventListener("mousemove", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) activate(parseInt(item.getAttribute("data-index"), 10));
    });
    newForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var name = newForm.elements.new_name.value.trim();
      if (!name) {
        showError("Give the new source a name.");
        newForm.elements.new_name.focus();
        return;
      }
      submit({
        new_name: name,
        new_kind: newForm.elements.new_kind.value,
        new_role: newForm.elements.new_role.value,
        new_affiliation_name: newForm.elements.new_affiliation_name.value
      });
    });
    newForm.elements.new_affiliation_name.addEventListener("input", onAffiliationInput);
    qs(popover, "[data-attribute-close]").addEventListener("click", function () {
      close(true);
    });
    popover.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      }
    });

    document.addEventListener("click", onFinding);
    document.addEventListener("pointerdown", function (event) {
      pointerDown = true;
      if (!popover.hidden && !popover.contains(event.target)) close(false);
    });
    document.addEventListener("pointerup", function () {
      pointerDown = false;
    });
    document.addEventListener("mouseup", function (event) {
      if (popover.contains(event.target)) return;
      window.setTimeout(checkSelection, 0);
    });
    document.addEventListener("keyup", function (event) {
      if (event.shiftKey || event.key === "Shift") checkSelection();
    });
    // Touch screens and assistive technology select without a mouseup or Shift.
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(selectionTimer);
      selectionTimer = window.setTimeout(function () {
        if (!pointerDown) checkSelection();
      }, SELECTION_DELAY_MS);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
