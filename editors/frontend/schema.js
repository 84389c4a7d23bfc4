// The body's schema: a story is a list of blocks, as articles.body stores it. Every block
// has a `uid`, its identity on the server (kept through edits, moves and kind changes).
// Block quotes hold one text, like the server's block; inline content is text with links,
// emphasis and strong emphasis only (articles.body.INLINE_TAGS).
import { Schema } from "prosemirror-model";

// What the server accepts as a uid (the contract: [A-Za-z0-9_-]{1,32}).
export const UID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

// Link targets the server's sanitiser keeps (articles.body.URL_SCHEMES), or a path on the site.
const SAFE_HREF = /^(https?:|mailto:|\/|#)/i;

export function safeHref(href) {
  const value = (href || "").trim();
  if (!value) return "";
  if (SAFE_HREF.test(value)) return value;
  // "example.org/report" means the web address, not a path relative to the desk.
  if (/^[^\s:/]+\.[^\s:/]+/.test(value) && !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    return "https://" + value;
  }
  return "";
}

function uidOf(dom) {
  const uid = dom.getAttribute("data-uid") || "";
  return { uid: UID_PATTERN.test(uid) ? uid : "" };
}

function uidAttrs(node) {
  return node.attrs.uid ? { "data-uid": node.attrs.uid } : {};
}

const IMAGE_FIELDS = ["image", "upload", "url", "image_alt", "image_caption", "image_credit"];

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    // First in the group: the block Enter makes at the end of any block.
    paragraph: {
      group: "block",
      content: "inline*",
      attrs: { uid: { default: "" } },
      parseDOM: [{ tag: "p", getAttrs: uidOf }],
      toDOM: (node) => ["p", uidAttrs(node), 0],
    },
    subheading: {
      group: "block",
      content: "inline*",
      defining: true,
      attrs: { uid: { default: "" } },
      parseDOM: ["h1", "h2", "h3", "h4", "h5", "h6"].map((tag) => ({ tag, getAttrs: uidOf })),
      // A level below the page's "Body" heading; styled like the reader's subheadings.
      toDOM: (node) => ["h3", { class: "body-editor-subheading", ...uidAttrs(node) }, 0],
    },
    blockquote: {
      group: "block",
      content: "inline*",
      defining: true,
      attrs: { uid: { default: "" } },
      parseDOM: [
        {
          tag: "blockquote",
          getAttrs: uidOf,
          // Pasted quotes of several paragraphs become one text, like the server's block.
          contentElement: (dom) => dom.querySelector("p") || dom,
        },
      ],
      toDOM: (node) => ["blockquote", uidAttrs(node), ["p", 0]],
    },
    image: {
      group: "block",
      atom: true,
      selectable: true,
      draggable: true,
      attrs: {
        uid: { default: "" },
        ...Object.fromEntries(IMAGE_FIELDS.map((name) => [name, { default: "" }])),
      },
      parseDOM: [
        {
          tag: "figure[data-image-block]",
          getAttrs: (dom) => ({
            ...uidOf(dom),
            ...Object.fromEntries(
              IMAGE_FIELDS.map((name) => [name, dom.getAttribute("data-" + name) || ""]),
            ),
          }),
        },
      ],
      toDOM: (node) => [
        "figure",
        {
          "data-image-block": "",
          ...uidAttrs(node),
          ...Object.fromEntries(IMAGE_FIELDS.map((name) => ["data-" + name, node.attrs[name]])),
        },
      ],
    },
    text: { group: "inline" },
  },
  // In this order, outermost first, when they are written out as HTML.
  marks: {
    link: {
      attrs: { href: {} },
      inclusive: false,
      parseDOM: [
        {
          tag: "a[href]",
          getAttrs: (dom) => {
            const href = safeHref(dom.getAttribute("href"));
            return href ? { href } : false;
          },
        },
      ],
      toDOM: (mark) => ["a", { href: mark.attrs.href }, 0],
    },
    strong: {
      parseDOM: [
        { tag: "strong" },
        { tag: "b", getAttrs: (dom) => dom.style.fontWeight !== "normal" && null },
      ],
      toDOM: () => ["strong", 0],
    },
    em: {
      parseDOM: [{ tag: "em" }, { tag: "i" }],
      toDOM: () => ["em", 0],
    },
  },
});

export const TEXT_KINDS = ["paragraph", "subheading", "blockquote"];
export { IMAGE_FIELDS };
