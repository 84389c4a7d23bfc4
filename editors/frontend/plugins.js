// The editor's behaviour as ProseMirror plugins and commands: stable block uids, margin
// numbers, the block kinds' keys and input rules, moving blocks.
import { Fragment } from "prosemirror-model";
import { NodeSelection, Plugin, PluginKey, TextSelection } from "prosemirror-state";
import { Decoration, DecorationSet } from "prosemirror-view";
import { InputRule } from "prosemirror-inputrules";
import { splitBlockAs } from "prosemirror-commands";
import { paragraphNumbers, uidFixes } from "./blocks.js";
import { schema } from "./schema.js";

/** Every block keeps a uid of its own (see blocks.uidFixes for which one is renamed). */
export function uidPlugin(makeUid) {
  return new Plugin({
    key: new PluginKey("body-uids"),
    appendTransaction(transactions, oldState, newState) {
      if (!transactions.some((tr) => tr.docChanged)) return null;
      const fixes = uidFixes(newState.doc, makeUid);
      if (!fixes.length) return null;
      const tr = newState.tr;
      fixes.forEach(({ pos, uid }) => tr.setNodeAttribute(pos, "uid", uid));
      return tr;
    },
  });
}

function numberDecorations(doc) {
  return DecorationSet.create(
    doc,
    paragraphNumbers(doc).map(({ pos, node, number }) =>
      Decoration.node(pos, pos + node.nodeSize, { "data-paragraph-number": String(number) }),
    ),
  );
}

/** data-paragraph-number="N" on each numbered block's element, kept current as one types. */
export const numbersPlugin = new Plugin({
  key: new PluginKey("body-numbers"),
  state: {
    init: (config, state) => numberDecorations(state.doc),
    apply: (tr, old) => (tr.docChanged ? numberDecorations(tr.doc) : old),
  },
  props: {
    decorations(state) {
      return this.getState(state);
    },
  },
});

/** The top-level block the selection is in (or the selected block): {node, index, pos}. */
export function currentBlock(state) {
  const { selection, doc } = state;
  if (selection instanceof NodeSelection && selection.$from.depth === 0) {
    const index = selection.$from.index(0);
    return { node: selection.node, index, pos: selection.from };
  }
  const index = selection.$from.index(0);
  if (index >= doc.childCount) return null;
  return { node: doc.child(index), index, pos: selection.$from.before(1) };
}

/** Make the current text block(s) `kind`, keeping their uids. */
export function setKind(kind) {
  const type = schema.nodes[kind];
  return (state, dispatch) => {
    const { from, to } = state.selection;
    let applicable = false;
    state.doc.nodesBetween(from, to, (node) => {
      if (node.isTextblock && node.type !== type) applicable = true;
      return !node.isTextblock;
    });
    if (!applicable) return false;
    if (dispatch) {
      dispatch(
        state.tr.setBlockType(from, to, type, (old) => ({ uid: old.attrs.uid })).scrollIntoView(),
      );
    }
    return true;
  };
}

/** "## " at the start of a paragraph makes it a subheading, "> " a block quote. */
function kindRule(pattern, kind) {
  const type = schema.nodes[kind];
  return new InputRule(pattern, (state, match, start, end) => {
    const $start = state.doc.resolve(start);
    if ($start.parent.type !== schema.nodes.paragraph) return null;
    return state.tr
      .delete(start, end)
      .setBlockType(start, start, type, { uid: $start.parent.attrs.uid });
  });
}

export const kindRules = [kindRule(/^##\s$/, "subheading"), kindRule(/^>\s$/, "blockquote")];

/**
 * Enter. In an empty subheading or quote: make it a paragraph. At the very start of a block
 * with words: a new empty paragraph above, so the words keep their block (and uid). At the
 * end of any block: a new paragraph. In the middle: split; the second half gets a new uid.
 */
export function enter(state, dispatch) {
  const { $from, empty } = state.selection;
  if (!empty || !$from.parent.isTextblock || $from.depth !== 1) {
    return splitBlockAs(() => ({ type: schema.nodes.paragraph, attrs: { uid: "" } }))(
      state,
      dispatch,
    );
  }
  const block = $from.parent;
  if (!block.content.size && block.type !== schema.nodes.paragraph) {
    return setKind("paragraph")(state, dispatch);
  }
  if ($from.parentOffset === 0 && block.content.size) {
    if (dispatch) {
      dispatch(state.tr.insert($from.before(), schema.nodes.paragraph.create()).scrollIntoView());
    }
    return true;
  }
  return splitBlockAs((node, atEnd) => ({
    type: atEnd ? schema.nodes.paragraph : node.type,
    attrs: { uid: "" },
  }))(state, dispatch);
}

/** Move the current block one place up (-1) or down (+1), keeping the cursor in it. */
export function moveBlock(direction) {
  return (state, dispatch) => {
    const current = currentBlock(state);
    if (!current) return false;
    const { node, index, pos } = current;
    const otherIndex = index + direction;
    if (otherIndex < 0 || otherIndex >= state.doc.childCount) return false;
    if (dispatch) {
      const other = state.doc.child(otherIndex);
      const start = direction < 0 ? pos - other.nodeSize : pos;
      const end = direction < 0 ? pos + node.nodeSize : pos + node.nodeSize + other.nodeSize;
      const pair = direction < 0 ? [node, other] : [other, node];
      const tr = state.tr.replaceWith(start, end, Fragment.from(pair));
      const newPos = direction < 0 ? start : start + other.nodeSize;
      if (state.selection instanceof NodeSelection) {
        tr.setSelection(NodeSelection.create(tr.doc, newPos));
      } else {
        const { $from, $to } = state.selection;
        const shift = newPos - pos;
        const inside = (p) => Math.min(Math.max(p + shift, newPos + 1), newPos + node.nodeSize - 1);
        tr.setSelection(TextSelection.create(tr.doc, inside($from.pos), inside($to.pos)));
      }
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** Insert `node` after the current block and select it. */
export function insertAfterCurrent(node) {
  return (state, dispatch) => {
    const current = currentBlock(state);
    const at = current ? current.pos + current.node.nodeSize : state.doc.content.size;
    if (dispatch) {
      const tr = state.tr.insert(at, node);
      tr.setSelection(NodeSelection.create(tr.doc, at));
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** Remove the selected image block. */
export function removeImage(state, dispatch) {
  const { selection } = state;
  if (!(selection instanceof NodeSelection) || selection.node.type !== schema.nodes.image) {
    return false;
  }
  if (dispatch) {
    const tr = state.tr.deleteSelection();
    if (!tr.doc.childCount) tr.insert(0, schema.nodes.paragraph.create());
    dispatch(tr.scrollIntoView());
  }
  return true;
}
