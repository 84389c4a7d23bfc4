// The body editor's document rules, without a browser: `npm test` (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";
import { EditorState, TextSelection } from "prosemirror-state";
import { joinBackward } from "prosemirror-commands";
import { inlineHTML, paragraphNumbers, toBlocks, uidFixes } from "./blocks.js";
import { schema } from "./schema.js";
import { enter, moveBlock, setKind, uidPlugin } from "./plugins.js";

const { paragraph, subheading, blockquote, image, doc } = schema.nodes;

function counter() {
  let n = 0;
  return () => `new${(n += 1)}`;
}

function story(...blocks) {
  return doc.create(null, blocks);
}

function para(uid, text) {
  return paragraph.create({ uid }, text ? schema.text(text) : null);
}

function stateOf(d, makeUid = counter()) {
  return EditorState.create({ doc: d, plugins: [uidPlugin(makeUid)] });
}

// Run `command` with the cursor `offset` characters into top-level block `index`.
function runAt(state, index, offset, command) {
  let pos = 0;
  for (let i = 0; i < index; i += 1) pos += state.doc.child(i).nodeSize;
  let next = state.apply(state.tr.setSelection(TextSelection.create(state.doc, pos + 1 + offset)));
  let ran = false;
  command(next, (tr) => {
    next = next.applyTransaction(tr).state;
    ran = true;
  });
  assert.ok(ran, "the command ran");
  return next;
}

const uids = (state) => toBlocks(state.doc).map((b) => b.uid);
const texts = (state) => toBlocks(state.doc).map((b) => b.text);

test("a block without a uid, or with an earlier block's, gets a fresh one", () => {
  const d = story(para("keepMe01", "One"), para("", "Two"), para("keepMe01", "Three"));
  const fixes = uidFixes(d, counter());
  assert.deepEqual(fixes.map((f) => f.uid), ["new1", "new2"]);
  assert.deepEqual(
    fixes.map((f) => d.resolve(f.pos).nodeAfter.textContent),
    ["Two", "Three"],
  );
});

test("invalid uids are replaced; valid distinct ones are left alone", () => {
  const d = story(para("ok_one-1", "A"), para("not valid!", "B"), para("x".repeat(33), "C"));
  assert.deepEqual(uidFixes(d, counter()).map((f) => f.uid), ["new1", "new2"]);
  assert.deepEqual(uidFixes(story(para("a", "A"), para("b", "B"))), []);
});

test("fresh uids are 8 letters and digits, and never one already in the document", () => {
  const d = story(para("", "A"), para("", "B"), para("", "C"));
  const made = uidFixes(d).map((f) => f.uid);
  made.forEach((uid) => assert.match(uid, /^[A-Za-z0-9]{8}$/));
  assert.equal(new Set(made).size, 3);
});

test("Enter in the middle: the first half keeps the uid, the second gets a new one", () => {
  let state = stateOf(story(para("aaaaaaaa", "The bridge closes. Ferries run.")));
  state = runAt(state, 0, "The bridge closes.".length, enter);
  assert.deepEqual(texts(state), ["The bridge closes.", "Ferries run."]);
  assert.deepEqual(uids(state), ["aaaaaaaa", "new1"]);
});

test("Enter at the end of a subheading starts a paragraph", () => {
  let state = stateOf(story(subheading.create({ uid: "subsub01" }, schema.text("Why"))));
  state = runAt(state, 0, 3, enter);
  assert.deepEqual(
    [...Array(state.doc.childCount).keys()].map((i) => state.doc.child(i).type.name),
    ["subheading", "paragraph"],
  );
  assert.equal(state.doc.child(0).attrs.uid, "subsub01");
  assert.equal(state.doc.child(1).attrs.uid, "new1");
});

test("Enter at the start of a paragraph opens one above; the words keep their uid", () => {
  let state = stateOf(story(para("aaaaaaaa", "Words")));
  state = runAt(state, 0, 0, enter);
  assert.equal(state.doc.child(0).textContent, "");
  assert.equal(state.doc.child(1).attrs.uid, "aaaaaaaa");
  assert.equal(state.doc.child(0).attrs.uid, "new1");
});

test("Backspace at the start joins the two, and the first keeps its uid", () => {
  let state = stateOf(story(para("first001", "One."), para("second01", " Two.")));
  state = runAt(state, 1, 0, joinBackward);
  assert.deepEqual(texts(state), ["One. Two."]);
  assert.deepEqual(uids(state), ["first001"]);
});

test("changing a block's kind keeps its uid", () => {
  let state = stateOf(story(para("aaaaaaaa", "Quote me")));
  state = runAt(state, 0, 2, setKind("blockquote"));
  assert.equal(state.doc.child(0).type.name, "blockquote");
  assert.equal(state.doc.child(0).attrs.uid, "aaaaaaaa");
});

test("moving a block keeps every uid and swaps the order", () => {
  let state = stateOf(story(para("aaaaaaaa", "A"), para("bbbbbbbb", "B"), para("cccccccc", "C")));
  state = runAt(state, 2, 1, moveBlock(-1));
  assert.deepEqual(uids(state), ["aaaaaaaa", "cccccccc", "bbbbbbbb"]);
  state = runAt(state, 0, 0, moveBlock(1));
  assert.deepEqual(uids(state), ["cccccccc", "aaaaaaaa", "bbbbbbbb"]);
  assert.equal(state.selection.$from.parent.attrs.uid, "aaaaaaaa");
});

test("a pasted copy of a block is renamed, the original keeps its uid", () => {
  let state = stateOf(story(para("aaaaaaaa", "A"), para("bbbbbbbb", "B")));
  const end = state.doc.content.size;
  state = state.apply(state.tr.insert(end, para("aaaaaaaa", "A again")));
  assert.deepEqual(uids(state), ["aaaaaaaa", "bbbbbbbb", "new1"]);
});

test("paragraphs and block quotes are numbered; subheadings, images and empty ones are not", () => {
  const d = story(
    para("p1", "One"),
    subheading.create({ uid: "s1" }, schema.text("Sub")),
    blockquote.create({ uid: "q1" }, schema.text("Quote")),
    image.create({ uid: "i1", image: "body/x.jpg" }),
    para("p0", ""),
    para("p2", "Two"),
  );
  assert.deepEqual(
    paragraphNumbers(d).map(({ node, number }) => [node.attrs.uid, number]),
    [["p1", 1], ["q1", 2], ["p2", 3]],
  );
});

test("inline HTML: marks nest and close properly, text and hrefs are escaped", () => {
  const { em, strong, link } = schema.marks;
  const href = link.create({ href: 'https://example.org/?a=1&b="2"' });
  const node = paragraph.create(null, [
    schema.text("1 < 2 & "),
    schema.text("bold ", [strong.create()]),
    schema.text("both", [strong.create(), em.create()]),
    schema.text(" link", [href, em.create()]),
    schema.text(" end"),
  ]);
  assert.equal(
    inlineHTML(node),
    "1 &lt; 2 &amp; <strong>bold <em>both</em></strong>" +
      '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;"><em> link</em></a> end',
  );
});

test("blocks as the server reads them, in order, empty text blocks left out", () => {
  const d = story(
    para("p1", "One"),
    para("", " "),
    image.create({ uid: "i1", upload: "upload-i1", image_alt: "A map", url: "/m/x.jpg" }),
    subheading.create({ uid: "s1" }, schema.text("Sub")),
  );
  assert.deepEqual(toBlocks(d), [
    { uid: "p1", kind: "paragraph", text: "One", image: "", upload: "",
      image_alt: "", image_caption: "", image_credit: "" },
    { uid: "i1", kind: "image", text: "", image: "", upload: "upload-i1",
      image_alt: "A map", image_caption: "", image_credit: "" },
    { uid: "s1", kind: "subheading", text: "Sub", image: "", upload: "",
      image_alt: "", image_caption: "", image_credit: "" },
  ]);
});
