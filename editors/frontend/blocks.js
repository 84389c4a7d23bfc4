// The document and the server's blocks (the contract in the form's `body_json`), block
// identity (uids) and paragraph numbers. No DOM here except in `fromBlocks`, which parses
// the stored inline HTML; the rest runs under node's test runner.
import { DOMParser as ModelParser } from "prosemirror-model";
import { IMAGE_FIELDS, schema, TEXT_KINDS, UID_PATTERN } from "./schema.js";

// Paragraphs and block quotes are numbered as readers count them (articles.body.NUMBERED_KINDS).
export const NUMBERED_KINDS = new Set(["paragraph", "blockquote"]);

const UID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UID_LENGTH = 8;

export function randomUid(taken) {
  const bytes = new Uint8Array(UID_LENGTH);
  for (;;) {
    globalThis.crypto.getRandomValues(bytes);
    // 256 is a multiple of 64, not of 62: the slight bias does not matter for an id.
    const uid = Array.from(bytes, (b) => UID_ALPHABET[b % UID_ALPHABET.length]).join("");
    if (!taken || !taken.has(uid)) return uid;
  }
}

/**
 * The uids to change so that every block has one of its own: a block without a valid uid,
 * or with one an EARLIER block already has, gets a fresh one. After a split the first half
 * keeps the uid; after a join the first block's node survives with its uid; a pasted copy of
 * a block is the later one, so the copy is renamed and the original keeps its identity.
 * Returns [{pos, uid}] (positions of top-level blocks in `doc`).
 */
export function uidFixes(doc, makeUid = randomUid) {
  const all = new Set();
  doc.forEach((node) => all.add(node.attrs.uid));
  const seen = new Set();
  const fixes = [];
  doc.forEach((node, pos) => {
    let uid = node.attrs.uid;
    if (!UID_PATTERN.test(uid || "") || seen.has(uid)) {
      uid = makeUid(all);
      all.add(uid);
      fixes.push({ pos, uid });
    }
    seen.add(uid);
  });
  return fixes;
}

export function isBlank(node) {
  return node.isTextblock && !node.textContent.trim();
}

/** Top-level blocks' numbers: [{pos, node, number}] for numbered ones, in order. */
export function paragraphNumbers(doc) {
  const numbers = [];
  let count = 0;
  doc.forEach((node, pos) => {
    // An empty paragraph is not saved, so readers never count it.
    if (NUMBERED_KINDS.has(node.type.name) && !isBlank(node)) {
      count += 1;
      numbers.push({ pos, node, number: count });
    }
  });
  return numbers;
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

export function escapeHTML(text) {
  return String(text).replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

function openTag(mark) {
  if (mark.type.name === "link") return `<a href="${escapeHTML(mark.attrs.href)}">`;
  return `<${mark.type.name}>`;
}

function closeTag(mark) {
  return mark.type.name === "link" ? "</a>" : `</${mark.type.name}>`;
}

/** A text block's content as the server stores it: text with <a href>, <em>, <strong>. */
export function inlineHTML(node) {
  let out = "";
  let open = [];
  node.forEach((child) => {
    // Marks come sorted by the schema's order (link, strong, em): keep the shared outer ones.
    const marks = child.marks;
    let keep = 0;
    while (keep < open.length && keep < marks.length && open[keep].eq(marks[keep])) keep += 1;
    while (open.length > keep) out += closeTag(open.pop());
    for (let i = keep; i < marks.length; i += 1) {
      out += openTag(marks[i]);
      open.push(marks[i]);
    }
    out += escapeHTML(child.text || "");
  });
  while (open.length) out += closeTag(open.pop());
  return out;
}

/** The document as the contract's list of blocks (empty text blocks are left out). */
export function toBlocks(doc) {
  const blocks = [];
  doc.forEach((node) => {
    const block = { uid: node.attrs.uid || "", kind: node.type.name, text: "" };
    IMAGE_FIELDS.forEach((name) => {
      if (name !== "url") block[name] = "";
    });
    if (node.type.name === "image") {
      IMAGE_FIELDS.forEach((name) => {
        if (name !== "url") block[name] = node.attrs[name] || "";
      });
      if (!block.image && !block.upload) return;
    } else if (isBlank(node)) {
      return;
    } else {
      block.text = inlineHTML(node).trim();
    }
    blocks.push(block);
  });
  return blocks;
}

function parseInline(type, attrs, html, parser, documentRef) {
  const holder = documentRef.createElement("template");
  holder.innerHTML = html || "";
  // Parsed inside a <template>: nothing in it loads or runs.
  return parser.parse(holder.content, { topNode: type.create(attrs) });
}

/** The server's blocks (#body-blocks, or a restored body_json) as a document. */
export function fromBlocks(blocks, documentRef = globalThis.document) {
  const parser = ModelParser.fromSchema(schema);
  const nodes = [];
  (Array.isArray(blocks) ? blocks : []).forEach((block) => {
    if (!block || typeof block !== "object") return;
    const uid = typeof block.uid === "string" ? block.uid : "";
    if (block.kind === "image") {
      const attrs = { uid };
      IMAGE_FIELDS.forEach((name) => {
        attrs[name] = typeof block[name] === "string" ? block[name] : "";
      });
      nodes.push(schema.nodes.image.create(attrs));
    } else {
      const kind = TEXT_KINDS.includes(block.kind) ? block.kind : "paragraph";
      nodes.push(parseInline(schema.nodes[kind], { uid }, block.text, parser, documentRef));
    }
  });
  if (!nodes.length) nodes.push(schema.nodes.paragraph.create());
  return schema.nodes.doc.create(null, nodes);
}
