// The desk's body editor: one continuous editable text for the story's blocks.
//
// Mounts on #body-editor[data-body-editor] in #article-form, reads the blocks from the
// #body-blocks JSON, hides the plain-text `body` box (the JavaScript-off path) and keeps
// `body_json` current; the server uses `body_json` whenever it is not empty
// (notes: the body editor contract). New images ride along as hidden file inputs named
// "upload-<uid>" in the form.
import { EditorState, NodeSelection, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { keymap } from "prosemirror-keymap";
import { baseKeymap, chainCommands, toggleMark } from "prosemirror-commands";
import { history, redo, undo } from "prosemirror-history";
import { inputRules, undoInputRule } from "prosemirror-inputrules";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import { fromBlocks, randomUid, toBlocks } from "./blocks.js";
import { safeHref, schema } from "./schema.js";
import {
  currentBlock,
  enter,
  insertAfterCurrent,
  kindRules,
  moveBlock,
  numbersPlugin,
  removeImage,
  setKind,
  uidPlugin,
} from "./plugins.js";

const MAC = typeof navigator !== "undefined" && /Mac|iP(hone|[oa]d)/.test(navigator.platform);
const MOD = MAC ? "⌘" : "Ctrl+";
const ALT = MAC ? "⌥" : "Alt+";

// The toolbar, in order. `key` is ProseMirror's name for the shortcut, `shown` how the
// title spells it; `group` starts a new cluster of buttons.
const TOOLS = [
  { id: "paragraph", label: "Paragraph", key: "Mod-Alt-0", shown: `${MOD}${ALT}0`, group: "kind" },
  { id: "subheading", label: "Subheading", key: "Mod-Alt-1", shown: `${MOD}${ALT}1 or ## at the start` },
  { id: "blockquote", label: "Block quote", key: "Mod-Alt-9", shown: `${MOD}${ALT}9 or > at the start` },
  { id: "strong", label: "Bold", key: "Mod-b", shown: `${MOD}B`, group: "marks" },
  { id: "em", label: "Italic", key: "Mod-i", shown: `${MOD}I` },
  { id: "link", label: "Link", key: "Mod-k", shown: `${MOD}K` },
  { id: "image", label: "Insert image", group: "blocks" },
  { id: "up", label: "Move block up", key: "Alt-ArrowUp", shown: `${ALT}↑` },
  { id: "down", label: "Move block down", key: "Alt-ArrowDown", shown: `${ALT}↓` },
  { id: "remove-image", label: "Remove image" },
];

// The parts of the body section that only the page without JavaScript uses.
const NO_JS_PARTS = "#body-help, [data-add-image], [data-body-nojs]";

let fieldCounter = 0;

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([name, value]) => {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value != null) node.setAttribute(name, value);
  });
  (children || []).forEach((child) =>
    node.append(typeof child === "string" ? document.createTextNode(child) : child),
  );
  return node;
}

function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return Boolean(type.isInSet(state.storedMarks || $from.marks()));
  return state.doc.rangeHasMark(from, to, type);
}

function readPreview(file, img) {
  const reader = new FileReader();
  // A data: URL (the policy's img-src allows data:, not blob:).
  reader.addEventListener("load", () => {
    img.src = reader.result;
  });
  reader.readAsDataURL(file);
}

/** An image block: its picture and the fields readers see with it, edited in place. */
class ImageView {
  constructor(node, view, getPos, editor) {
    this.node = node;
    this.view = view;
    this.getPos = getPos;
    this.editor = editor;
    this.inputs = {};
    this.img = el("img", { alt: "", class: "body-editor-thumb" });
    const fields = el("div", { class: "body-editor-image-fields" });
    // The server's limits (editors.forms); readers who cannot see the picture need the alt text.
    [
      ["image_alt", "Alt text (what the picture shows)", 300, true],
      ["image_caption", "Caption", 400, false],
      ["image_credit", "Credit", 200, false],
    ].forEach(([name, label, maxlength, required]) => {
      fieldCounter += 1;
      const id = `body-image-${name}-${fieldCounter}`;
      const input = el("input", {
        type: "text",
        id,
        maxlength,
        required,
        class: "form-control form-control-sm",
      });
      input.dataset.field = name;
      input.value = node.attrs[name] || "";
      this.inputs[name] = input;
      fields.append(el("div", { class: "body-editor-image-field" }, [
        el("label", { for: id, class: "form-label small mb-0" }, [label]),
        input,
      ]));
    });
    // A new picture sent back with an error to fix: its file did not come back with the page.
    this.again = el("button", { type: "button", class: "btn btn-sm btn-outline-primary mb-2" }, [
      "Choose this picture's file again",
    ]);
    this.again.addEventListener("click", () =>
      this.editor.pickImageFor(this.node.attrs.upload, () => this.showPicture()),
    );
    this.dom = el("figure", { class: "body-editor-image", contenteditable: "false" }, [
      this.img,
      this.again,
      fields,
    ]);
    this.dom.addEventListener("input", (event) => this.changed(event));
    this.dom.addEventListener("keydown", (event) => {
      // Enter in a field would submit the form: leave the picture for the text below.
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        this.editor.afterImage(this.getPos());
      }
    });
    this.dom.addEventListener("mousedown", (event) => {
      if (event.target === this.img || event.target === this.dom) {
        const pos = this.getPos();
        if (pos == null) return;
        event.preventDefault();
        view.dispatch(view.state.tr.setSelection(NodeSelection.create(view.state.doc, pos)));
        view.focus();
      }
    });
    this.showPicture();
  }

  showPicture() {
    const file = this.editor.fileFor(this.node.attrs.upload);
    if (file) readPreview(file, this.img);
    else if (this.node.attrs.url) this.img.src = this.node.attrs.url;
    this.img.hidden = !file && !this.node.attrs.url;
    this.again.hidden = Boolean(file || this.node.attrs.image || !this.node.attrs.upload);
  }

  changed(event) {
    const name = event.target.dataset && event.target.dataset.field;
    const pos = this.getPos();
    if (!name || pos == null) return;
    this.view.dispatch(this.view.state.tr.setNodeAttribute(pos, name, event.target.value));
  }

  update(node) {
    if (node.type !== this.node.type) return false;
    const old = this.node;
    this.node = node;
    Object.entries(this.inputs).forEach(([name, input]) => {
      if (input.value !== node.attrs[name]) input.value = node.attrs[name] || "";
    });
    if (old.attrs.upload !== node.attrs.upload || old.attrs.url !== node.attrs.url) {
      this.showPicture();
    }
    return true;
  }

  selectNode() {
    this.dom.classList.add("ProseMirror-selectednode");
  }

  deselectNode() {
    this.dom.classList.remove("ProseMirror-selectednode");
  }

  stopEvent(event) {
    return ["INPUT", "LABEL", "BUTTON"].includes(event.target.tagName);
  }

  ignoreMutation() {
    return true;
  }
}

class BodyEditor {
  constructor(form, mount) {
    this.form = form;
    this.mount = mount;
    this.textarea = form.querySelector("#id_body");
    this.output = form.querySelector("#id_body_json");
    this.urls = new Map();
    const initial = this.readInitial();
    initial.forEach((block) => {
      if (block && block.image && block.url) this.urls.set(block.image, block.url);
    });
    this.build(fromBlocks(initial));
  }

  readInitial() {
    const script = document.getElementById("body-blocks");
    try {
      return script ? JSON.parse(script.textContent) : [];
    } catch (e) {
      return [];
    }
  }

  keys() {
    const run = (id) => (state, dispatch) => this.command(id)(state, dispatch);
    const bindings = {
      Enter: enter,
      Backspace: undoInputRule,
      "Mod-z": undo,
      "Shift-Mod-z": redo,
      "Mod-y": redo,
    };
    TOOLS.forEach((tool) => {
      if (tool.key) bindings[tool.key] = run(tool.id);
    });
    return bindings;
  }

  command(id) {
    switch (id) {
      case "paragraph":
      case "subheading":
      case "blockquote":
        return setKind(id);
      case "strong":
      case "em":
        return toggleMark(schema.marks[id]);
      case "link":
        return (state, dispatch) => {
          if (state.selection.empty && !markActive(state, schema.marks.link)) return false;
          if (!(state.selection instanceof TextSelection)) return false;
          if (dispatch) this.openLinkBar();
          return true;
        };
      case "image":
        return (state, dispatch) => {
          if (dispatch) this.pickImage();
          return true;
        };
      case "up":
        return moveBlock(-1);
      case "down":
        return moveBlock(1);
      case "remove-image":
        return removeImage;
      default:
        return () => false;
    }
  }

  build(doc) {
    this.status = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    this.toolbar = el("div", {
      class: "body-editor-toolbar",
      role: "toolbar",
      "aria-label": "Body: block kinds, emphasis, links and images",
      "aria-controls": "body-editor-text",
    });
    this.buttons = {};
    let group = null;
    TOOLS.forEach((tool) => {
      if (tool.group || !group) {
        group = el("div", { class: "btn-group btn-group-sm body-editor-group", role: "group" });
        this.toolbar.append(group);
      }
      const pressable = ["paragraph", "subheading", "blockquote", "strong", "em", "link"];
      const button = el(
        "button",
        {
          type: "button",
          class: "btn btn-outline-secondary",
          title: tool.shown ? `${tool.label} (${tool.shown})` : tool.label,
          "aria-pressed": pressable.includes(tool.id) ? "false" : null,
          "data-tool": tool.id,
        },
        [tool.label],
      );
      // Keep the editor's selection when a button is clicked with the mouse.
      button.addEventListener("mousedown", (event) => event.preventDefault());
      button.addEventListener("click", () => this.use(tool.id));
      group.append(button);
      this.buttons[tool.id] = button;
    });
    this.linkBar = this.buildLinkBar();

    this.view = new EditorView(this.mount, {
      state: this.newState(doc),
      attributes: {
        id: "body-editor-text",
        class: "body-editor-text",
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": "Story body",
        "aria-describedby": "body-editor-help",
        spellcheck: "true",
      },
      nodeViews: {
        image: (node, view, getPos) => new ImageView(node, view, getPos, this),
      },
      handleDrop: (view, event) => {
        const files = event.dataTransfer && event.dataTransfer.files;
        if (!files || !files.length) return false;
        const found = view.posAtCoords({ left: event.clientX, top: event.clientY });
        event.preventDefault();
        Array.from(files).forEach((file) => this.takeFile(file, found ? found.pos : null));
        return true;
      },
      handlePaste: (view, event) => {
        const files = event.clipboardData && event.clipboardData.files;
        if (!files || !files.length) return false;
        return Array.from(files).some((file) => this.takeFile(file, null));
      },
      dispatchTransaction: (tr) => {
        const state = this.view.state.apply(tr);
        this.view.updateState(state);
        if (tr.docChanged) this.write();
        this.refresh();
      },
    });
    const help = el("p", { id: "body-editor-help", class: "small text-body-secondary mb-2" }, [
      "Enter starts a new paragraph. Type ## and a space at the start of a paragraph for a " +
        "subheading, > and a space for a block quote. Numbers in the margin count paragraphs " +
        "as readers will.",
    ]);
    this.mount.classList.add("body-editor");
    this.mount.prepend(help, this.toolbar, this.linkBar);
    this.mount.append(this.status);
    this.refresh();
  }

  newState(doc) {
    return EditorState.create({
      doc,
      plugins: [
        inputRules({ rules: kindRules }),
        keymap(this.keys()),
        keymap(baseKeymap),
        history(),
        dropCursor(),
        gapCursor(),
        uidPlugin(randomUid),
        numbersPlugin,
      ],
    });
  }

  use(id) {
    const before = currentBlock(this.view.state);
    const done = this.command(id)(this.view.state, this.view.dispatch);
    if (id === "link" || id === "image") return;
    this.view.focus();
    if ((id === "up" || id === "down") && before) {
      const after = currentBlock(this.view.state);
      this.say(done ? `Moved to block ${after.index + 1} of ${this.view.state.doc.childCount}.`
        : id === "up" ? "Already the first block." : "Already the last block.");
    }
  }

  say(text) {
    this.status.textContent = text;
  }

  refresh() {
    const state = this.view.state;
    const block = currentBlock(state);
    const kind = block && block.node.type.name;
    ["paragraph", "subheading", "blockquote"].forEach((id) => {
      this.buttons[id].setAttribute("aria-pressed", String(kind === id));
    });
    ["strong", "em", "link"].forEach((id) => {
      this.buttons[id].setAttribute("aria-pressed", String(markActive(state, schema.marks[id])));
    });
    ["paragraph", "subheading", "blockquote", "strong", "em", "up", "down", "remove-image"]
      .forEach((id) => {
        const can = this.command(id)(state) || this.buttons[id].getAttribute("aria-pressed") === "true";
        this.buttons[id].disabled = !can;
      });
    this.buttons.link.disabled = !this.command("link")(state);
  }

  /* ------------------------------------------------------------ links */

  buildLinkBar() {
    const input = el("input", {
      type: "text",
      id: "body-editor-link",
      class: "form-control form-control-sm",
      inputmode: "url",
      autocomplete: "off",
      placeholder: "https://",
    });
    const apply = el("button", { type: "button", class: "btn btn-sm btn-primary" }, ["Apply link"]);
    const unlink = el("button", { type: "button", class: "btn btn-sm btn-outline-danger" }, [
      "Remove link",
    ]);
    const cancel = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, [
      "Cancel",
    ]);
    const bar = el("div", { class: "body-editor-linkbar", hidden: true }, [
      el("label", { for: "body-editor-link", class: "form-label small mb-0" }, ["Link address"]),
      input,
      apply,
      unlink,
      cancel,
    ]);
    this.linkInput = input;
    apply.addEventListener("click", () => this.applyLink(input.value));
    unlink.addEventListener("click", () => this.applyLink(""));
    cancel.addEventListener("click", () => this.closeLinkBar());
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.applyLink(input.value);
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.closeLinkBar();
      }
    });
    return bar;
  }

  linkRange(state) {
    // An empty cursor in a link edits the whole link.
    const { $from, from, to, empty } = state.selection;
    if (!empty) return { from, to };
    const type = schema.marks.link;
    const mark = type.isInSet($from.marks());
    if (!mark) return null;
    let start = $from.index();
    let end = start;
    const parent = $from.parent;
    while (start > 0 && mark.isInSet(parent.child(start - 1).marks)) start -= 1;
    while (end < parent.childCount && mark.isInSet(parent.child(end).marks)) end += 1;
    let pos = $from.start();
    for (let i = 0; i < start; i += 1) pos += parent.child(i).nodeSize;
    let stop = pos;
    for (let i = start; i < end; i += 1) stop += parent.child(i).nodeSize;
    return { from: pos, to: stop, href: mark.attrs.href };
  }

  openLinkBar() {
    const state = this.view.state;
    this.linkTarget = this.linkRange(state);
    if (!this.linkTarget) return;
    let href = this.linkTarget.href || "";
    state.doc.nodesBetween(this.linkTarget.from, this.linkTarget.to, (node) => {
      const mark = schema.marks.link.isInSet(node.marks);
      if (mark && !href) href = mark.attrs.href;
    });
    this.linkInput.value = href;
    this.linkBar.hidden = false;
    this.linkInput.focus();
  }

  closeLinkBar() {
    this.linkBar.hidden = true;
    this.linkTarget = null;
    this.view.focus();
  }

  applyLink(value) {
    const target = this.linkTarget;
    if (!target) return this.closeLinkBar();
    const type = schema.marks.link;
    const href = safeHref(value);
    if (value.trim() && !href) {
      this.say("Links must be web (https://) or email (mailto:) addresses.");
      this.linkInput.focus();
      return undefined;
    }
    const tr = this.view.state.tr.removeMark(target.from, target.to, type);
    if (href) tr.addMark(target.from, target.to, type.create({ href }));
    this.view.dispatch(tr);
    this.say(href ? "Link added." : "Link removed.");
    return this.closeLinkBar();
  }

  /* ------------------------------------------------------------ images */

  fileFor(upload) {
    if (!upload) return null;
    const input = this.form.querySelector(`input[type=file][name="${CSS.escape(upload)}"]`);
    return input && input.files && input.files[0];
  }

  pickImage() {
    const input = el("input", { type: "file", accept: "image/*", hidden: true });
    input.className = "body-editor-upload";
    this.form.append(input);
    input.addEventListener("cancel", () => input.remove());
    input.addEventListener("change", () => {
      if (input.files && input.files[0]) this.addImage(input, null);
      else input.remove();
    });
    input.click();
  }

  /** Choose the file for an image block's upload again (it did not survive a reload). */
  pickImageFor(upload, then) {
    const input = el("input", { type: "file", accept: "image/*", hidden: true });
    input.className = "body-editor-upload";
    this.form.append(input);
    input.addEventListener("change", () => {
      if (!(input.files && input.files[0])) return;
      this.form.querySelectorAll("input.body-editor-upload").forEach((other) => {
        if (other.name === upload) other.remove();
      });
      input.name = upload;
      then();
    });
    input.click();
  }

  /** A picture dropped or pasted in: its file goes into an input of the form. */
  takeFile(file, at) {
    if (!file || !/^image\//.test(file.type) || typeof DataTransfer === "undefined") return false;
    const input = el("input", { type: "file", accept: "image/*", hidden: true });
    input.className = "body-editor-upload";
    const holder = new DataTransfer();
    holder.items.add(file);
    input.files = holder.files;
    this.form.append(input);
    this.addImage(input, at);
    return true;
  }

  addImage(input, at) {
    const taken = new Set();
    this.view.state.doc.forEach((node) => taken.add(node.attrs.uid));
    const uid = randomUid(taken);
    input.name = `upload-${uid}`;
    const node = schema.nodes.image.create({ uid, upload: input.name });
    if (at == null) {
      insertAfterCurrent(node)(this.view.state, this.view.dispatch);
    } else {
      // Between the blocks nearest the drop.
      const $at = this.view.state.doc.resolve(at);
      const pos = $at.depth ? $at.after(1) : at;
      const tr = this.view.state.tr.insert(pos, node);
      tr.setSelection(NodeSelection.create(tr.doc, pos));
      this.view.dispatch(tr.scrollIntoView());
    }
    this.say("Image inserted. Describe it in its Alt text field.");
    const dom = this.view.nodeDOM(this.view.state.selection.from);
    const alt = dom && dom.querySelector("input[data-field=image_alt]");
    if (alt) alt.focus();
  }

  afterImage(pos) {
    const state = this.view.state;
    const node = state.doc.nodeAt(pos);
    if (!node) return;
    // Into the empty paragraph after the picture, made if there is none.
    const after = pos + node.nodeSize;
    const next = state.doc.nodeAt(after);
    const tr = state.tr;
    if (!next || next.type !== schema.nodes.paragraph || next.content.size) {
      tr.insert(after, schema.nodes.paragraph.create());
    }
    tr.setSelection(TextSelection.create(tr.doc, after + 1));
    this.view.dispatch(tr.scrollIntoView());
    this.view.focus();
  }

  /* ------------------------------------------------------------ the form */

  serialise() {
    return JSON.stringify(toBlocks(this.view.state.doc));
  }

  write() {
    if (this.output) this.output.value = this.serialise();
  }

  /** Load blocks (a restored draft's body_json) into the editor, as one undoable change. */
  load(json) {
    let blocks;
    try {
      blocks = JSON.parse(json);
    } catch (e) {
      return;
    }
    if (!Array.isArray(blocks)) return;
    const kept = blocks.filter((block) => {
      // A new picture's file does not survive a reload; its block cannot be restored.
      return block && (block.kind !== "image" || block.image || this.fileFor(block.upload));
    });
    kept.forEach((block) => {
      if (block.image && this.urls.has(block.image)) block.url = this.urls.get(block.image);
    });
    const doc = fromBlocks(kept);
    const state = this.view.state;
    this.view.dispatch(state.tr.replaceWith(0, state.doc.content.size, doc.content));
  }

  cleanUploads() {
    const used = new Set();
    this.view.state.doc.forEach((node) => {
      if (node.attrs.upload) used.add(node.attrs.upload);
    });
    this.form.querySelectorAll("input.body-editor-upload").forEach((input) => {
      if (!used.has(input.name)) input.remove();
    });
  }

  hideTheTextBox() {
    const hide = new Set(this.form.querySelectorAll(NO_JS_PARTS));
    if (this.textarea) {
      hide.add(this.textarea);
      const wrapper = this.textarea.closest("#div_id_body");
      if (wrapper) hide.add(wrapper);
      this.form.querySelectorAll(`label[for="${this.textarea.id}"]`).forEach((l) => hide.add(l));
      (this.textarea.getAttribute("aria-describedby") || "").split(/\s+/).forEach((id) => {
        const help = id && document.getElementById(id);
        if (help && this.form.contains(help) && help.id !== "body-errors") hide.add(help);
      });
    }
    hide.forEach((node) => {
      node.hidden = true;
    });
  }

  attach() {
    this.write();
    // The plain-text box, its label and grammar help, and the no-JavaScript image fields:
    // the way in without this script.
    this.hideTheTextBox();
    this.form.addEventListener("submit", () => {
      this.cleanUploads();
      this.write();
    });
    // desk.js puts a draft's fields back and says so: show the restored body.
    this.form.addEventListener("desk:restored", () => {
      if (this.output && this.output.value) this.load(this.output.value);
    });
    this.form.setAttribute("data-body-editor-ready", "");
    this.form.dispatchEvent(new CustomEvent("body-editor:ready"));
  }
}

function init() {
  const form = document.getElementById("article-form");
  const mount = document.querySelector("#body-editor[data-body-editor]");
  if (!form || !mount || form.hasAttribute("data-readonly") || mount.__bodyEditor) return;
  const editor = new BodyEditor(form, mount);
  mount.__bodyEditor = editor;
  editor.attach();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
