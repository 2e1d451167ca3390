// The tables' notes of each round, for the theme team.
import { $, fill, h, loc, t, tableName } from "../ui.js";

// The tables' notes of each round, for the theme team: by phase and round, table by table.
export function renderHarvests(s) {
  const notes = s.harvests || [];
  $("#harvest-summary").textContent = `${t("harvests")} (${notes.length})`;
  const groups = [];
  for (const phase of s.event.agenda) {
    phase.steps.forEach((step, n) => {
      const here = notes.filter((x) => x.phase === phase.id && x.step === n);
      if (here.length) groups.push(h("div", { class: "group" }, h("h3", {}, `${loc(phase.title)} · ${loc(step.title)}`),
        h("ul", { class: "harvest-list" }, here.map((x) => h("li", {}, h("strong", {}, tableName(s.event, x.table)), " ", x.text)))));
    });
  }
  fill($("#harvests"), groups.length ? groups : h("p", { class: "muted" }, t("no_harvests")));
}
