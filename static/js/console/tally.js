// The results for staff: the ranking, and its breakdowns by axis, table, channel, category, zone and round.
import { $, count, fill, h, loc, rankingItems, roundLabel, scoreText, t, tableName, themeTitle } from "../ui.js";
import { state, act } from "./context.js";

// The breakdown chooser, set up once.
export function setupBreakdown() {
  const dims = ["overall", "by_axis", "by_table", "by_channel", "by_category", "by_zone", "by_round"];
  fill($("#breakdown"), dims.map((d) => h("option", { value: d }, t(d))));
  $("#breakdown").addEventListener("change", () => renderTally(state));
}

function places(s, list) {
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  return h("ol", { class: "ranking" }, rankingItems(list.map((p) => ({ rank: p.rank, label: themeTitle(themes.get(p.theme)) || `#${p.theme}`,
    share: p.share, score: p.dots })), "wide"));
}

function groupLabel(s, dim, key) {
  if (key === "_others") return t("other_groups").replace("{n}", s.event.min_group);
  if (dim === "by_axis") return loc(s.event.axes.find((a) => a.id === key)?.name);
  if (dim === "by_table") return tableName(s.event, Number(key));
  if (dim === "by_channel") return key === "online" ? t("online") : t("room");
  if (dim === "by_round") return roundLabel(s.control.rounds.find((r) => r.round === Number(key)) || { round: key });
  const list = dim === "by_category" ? s.event.categories : s.event.zones;
  return loc(list.find((x) => x.id === key)?.name) || t("unknown");
}

export function renderTally(s) {
  const published = $("#results-public");
  if (published) published.checked = Boolean(s.control.results_public);
  const tally = s.tally;
  if (!tally) return fill($("#tally"), h("p", { class: "muted" }, t("results_hidden")));
  $("#voters").textContent = `${tally.round > 1 ? `${t("round")} ${tally.round} · ` : ""}${count(tally.voters, "voter", "voters")} · ${scoreText(tally.method, tally.dots)}`;
  const dim = $("#breakdown").value || "overall";
  if (dim === "overall") return fill($("#tally"), places(s, tally.ranking));
  const groups = Object.entries(tally[dim] || {});
  fill($("#tally"), groups.map(([key, list]) => h("div", { class: "group" },
    h("h3", {}, groupLabel(s, dim, key)), places(s, list.filter((p) => p.dots > 0 || dim === "by_axis" || dim === "by_round")))));
}

$("#results-public")?.addEventListener("change", (e) => act("results.publish", { published: e.target.checked }));
