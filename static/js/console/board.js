// The board: one column per theme, and one for the ideas not in a theme yet, for the theme team's break. An idea
// card is dragged to another column, or moved from the keyboard (← → to the next column, or its "Move to" list).
// It shows the ideas the stream's filters match (axis, table, words), so a hall's 2,000 stay a few hundred.
import { $, axisChip, fill, h, t } from "../ui.js";
import { act, canCluster, state } from "./context.js";
import { shownIdeas } from "./idea-list.js";

const PER_COLUMN = 150;  // cards drawn per column; the rest are counted ("and 40 more")
let dragging = null;
let pressed = false;  // a button is down on a card: a drag may be starting, and a redraw would take the card away

export function renderBoard(s) {
  const box = $("#board");
  if (!box || !$("#board-box").open) return;
  const ideas = shownIdeas(s).filter((i) => !i.gone);
  const columns = [{ id: null, title: t("not_in_a_theme") }, ...s.themes.map((theme) => ({ id: theme.id, title: theme.title, axis: theme.axis }))];
  // not redrawn while a card is being dragged or has the keyboard: the next update after that draws it
  if (dragging !== null || pressed || box.contains(document.activeElement) && document.activeElement.matches("select")) return;
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.idea : null;
  fill(box, columns.map((column, index) => {
    const mine = ideas.filter((i) => (i.theme ?? null) === column.id);
    return h("section", { class: "board-column", "data-theme": column.id ?? "", "aria-label": column.title,
      ondragover: (e) => { if (canCluster) { e.preventDefault(); e.currentTarget.classList.add("over"); } },
      ondragleave: (e) => e.currentTarget.classList.remove("over"),
      ondrop: (e) => { e.preventDefault(); e.currentTarget.classList.remove("over"); const id = Number(e.dataTransfer.getData("text/plain")); dragging = null; if (id) move(id, column.id); } },
      h("h3", {}, column.axis ? axisChip(s.event, column.axis) : null, h("span", {}, column.title), h("span", { class: "muted" }, ` (${mine.length})`)),
      h("ul", {}, mine.slice(0, PER_COLUMN).map((idea) => card(idea, columns, index))),
      mine.length > PER_COLUMN ? h("p", { class: "muted" }, t("and_more").replace("{n}", mine.length - PER_COLUMN)) : null);
  }));
  if (focused) box.querySelector(`.board-card[data-idea="${focused}"]`)?.focus();
}

function card(idea, columns, index) {
  return h("li", { class: "board-card", tabindex: 0, draggable: canCluster ? "true" : "false", "data-idea": idea.id,
    title: canCluster ? t("board_keys") : "",
    onpointerdown: () => { pressed = true; },
    ondragstart: (e) => { dragging = idea.id; e.dataTransfer.setData("text/plain", String(idea.id)); e.dataTransfer.effectAllowed = "move"; },
    ondragend: () => { dragging = null; renderBoard(state); },
    onkeydown: (e) => {
      if (!canCluster || e.target !== e.currentTarget) return;
      const to = e.key === "ArrowRight" ? index + 1 : e.key === "ArrowLeft" ? index - 1 : -1;
      if (to >= 0 && to < columns.length) { e.preventDefault(); move(idea.id, columns[to].id); }
    } },
    h("span", { class: "idea-id" }, `#${idea.id} `), idea.text,
    canCluster ? h("select", { class: "board-move", "aria-label": t("move_to"), onchange: (e) => move(idea.id, e.target.value ? Number(e.target.value) : null) },
      h("option", { value: "", disabled: true, selected: true }, t("move_to")),
      columns.filter((c) => c.id !== (idea.theme ?? null)).map((c) => h("option", { value: c.id ?? "" }, c.id ? `#${c.id} ${c.title}` : c.title))) : null);
}

async function move(id, theme) {
  const ack = await act("theme.group", { idea: id, theme });
  if (ack.ok) requestAnimationFrame(() => $(`#board .board-card[data-idea="${id}"]`)?.focus());
}

$("#board-box")?.addEventListener("toggle", () => renderBoard(state));
// the press ends in a click (draw what came meanwhile) or in a drag (its end draws it)
for (const type of ["pointerup", "pointercancel"]) {
  window.addEventListener(type, () => { if (pressed) { pressed = false; if (dragging === null) renderBoard(state); } });
}
