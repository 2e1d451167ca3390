// The marks against the zones' local plans.
import { $, fill, h, loc, t } from "../ui.js";

// The map of marks against the zones' local plans: zones by axis, each cell counting ✓ ≈ ✗.
export function renderAlignments(s) {
  const box = $("#alignment-map");
  if (!box) return;
  const marks = s.alignments || [];
  const key = JSON.stringify([marks, s.themes.map((x) => [x.id, x.axis])]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  $("#alignment-summary").textContent = `${t("alignment_title")} (${marks.length})`;
  const axisOfMark = (m) => (m.idea ? s.ideas.get(m.idea)?.axis : s.themes.find((x) => x.id === m.theme)?.axis) || "";
  const cell = (zone, axis) => {
    const here = marks.filter((m) => m.zone === zone && axisOfMark(m) === axis);
    const count = (v) => here.filter((m) => m.verdict === v).length;
    return here.length ? `✓${count("aligned")} ≈${count("partly")} ✗${count("misaligned")}` : "";
  };
  fill(box, marks.length ? h("table", { class: "crowd-table alignment-map" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("zone")), s.event.axes.map((a, i) => h("th", { scope: "col", title: loc(a.name) }, `${i + 1}`)))),
    h("tbody", {}, s.event.zones.filter((z) => marks.some((m) => m.zone === z.id)).map((z) => h("tr", {},
      h("th", { scope: "row" }, loc(z.name)), s.event.axes.map((a) => h("td", {}, cell(z.id, a.id)))))))
    : h("p", { class: "muted" }, t("alignment_none")));
}
