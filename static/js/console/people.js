// Who is in the room: seats per table, the crowd against the plan's targets, taking out a phantom participant.
import { ask } from "../dialogs.js";
import { $, count, fill, h, lang, loc, scoreText, syncList, t, tableName, toast } from "../ui.js";
import { state, act, request, canRun } from "./context.js";

let peopleTable = null, peopleShown = null; // the table whose participants the facilitator opened, and how many

// Who is in the room against the plan's targets. A group is flagged when it is 5 points or more under its
// target, once at least 10 people told their profile (fewer would flag noise).
const GAP_POINTS = 5, MIN_ANSWERS = 10;
function crowdGaps(crowd) {
  if (!crowd) return [];
  const gaps = [];
  for (const [name, list] of [["categories", state.event.categories], ["zones", state.event.zones]]) {
    const part = crowd[name];
    if (!part || part.answered < MIN_ANSWERS) continue;
    for (const g of part.groups) {
      if (g.target != null && g.share != null && g.share <= g.target - GAP_POINTS) {
        gaps.push({ ...g, label: loc(list.find((c) => c.id === g.id)?.name) });
      }
    }
  }
  return gaps;
}

function renderCrowd(s, crowd) {
  const box = $("#crowd");
  if (!box || !crowd) return;
  const flagged = new Set(crowdGaps(crowd).map((g) => g.id));
  const table = (name, list, caption) => {
    const part = crowd[name];
    if (!list.length) return null;
    const withTargets = part.groups.some((g) => g.target != null);
    return h("table", { class: "crowd-table" },
      h("caption", {}, `${caption} · ${part.answered} / ${crowd.people} ${t("crowd_answered")}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), h("th", { scope: "col" }, t("crowd_joined")), h("th", { scope: "col" }, "%"),
        withTargets ? h("th", { scope: "col" }, t("crowd_target")) : null)),
      h("tbody", {}, part.groups.map((g) => h("tr", { class: flagged.has(g.id) ? "short" : "" },
        h("th", { scope: "row" }, loc(list.find((c) => c.id === g.id)?.name), flagged.has(g.id) ? " ⚠" : ""),
        h("td", {}, g.joined), h("td", {}, g.share == null ? "—" : `${g.share}%`),
        withTargets ? h("td", {}, g.target == null ? "—" : `${g.target}%`) : null))));
  };
  const key = JSON.stringify(crowd);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  fill(box, h("h3", {}, t("crowd_title")), h("div", { class: "crowd-tables" },
    table("categories", s.event.categories, t("crowd_categories")), table("zones", s.event.zones, t("crowd_zones"))));
}

// Phones joined per table against its capacity; a table with a burst of joins or refused joins is flagged,
// because one person minting voters shows up there first.
export function renderSeats(s) {
  const seats = s.seats;
  if (!seats) return;
  const joined = seats.tables.reduce((n, x) => n + x.joined, 0);
  const places = seats.tables.reduce((n, x) => n + x.capacity, 0);
  const flagged = seats.tables.filter((x) => x.burst).length;
  const missing = crowdGaps(seats.crowd);
  $("#seats-summary").textContent = `${t("seats")}: ${joined} / ${places}` + (flagged ? ` · ⚠ ${flagged} ${t("seats_check")}` : "")
    + (seats.online_refused ? ` · ${seats.online_refused} ${t("seats_refused_online")}` : "")
    + (missing.length ? ` · ⚠ ${t("crowd_missing")}: ${missing.slice(0, 2).map((g) => g.label).join(", ")}${missing.length > 2 ? ` +${missing.length - 2}` : ""}` : "");
  renderCrowd(s, seats.crowd);
  const box = $("#seats-box");
  if (flagged && !box.dataset.opened) { box.open = true; box.dataset.opened = "1"; }
  const headroom = $("#headroom");
  if (headroom && document.activeElement !== headroom) headroom.value = seats.headroom;
  syncList($("#seats"), seats.tables, {
    key: (x) => x.id,
    signature: (x) => JSON.stringify(x),
    render: (x) => {
      const title = `${x.joined} / ${x.capacity} ${t("seats_places")} · ${x.last_minute} ${t("seats_last_minute")} · ${x.refused} ${t("seats_refused")}${x.burst ? " · " + t("seats_burst") : ""}`;
      const label = [h("b", {}, tableName(s.event, x.id)), ` ${x.joined}/${x.capacity}`, x.burst ? " ⚠" : ""];
      return h("li", { class: `seat${x.burst ? " burst" : ""}${x.joined >= x.capacity ? " full" : ""}`, title },
        canRun ? h("button", { class: "seat-open", "aria-expanded": String(peopleTable === x.id), onclick: () => showPeople(x.id) }, ...label) : label);
    },
  });
  if (peopleTable !== null && seats.tables.find((x) => x.id === peopleTable)?.joined !== peopleShown) showPeople(peopleTable);
}

// A table flagged for too many joins: who joined there (participant numbers, never names), newest first, and
// for the facilitator a way to take out a phantom (one device minting voters), with its dots and answers.
async function showPeople(tableId) {
  peopleTable = tableId;
  const box = $("#seat-people");
  const reply = await request("participants", { table: tableId });
  if (peopleTable !== tableId) return;
  if (!reply.ok) { fill(box, h("p", { class: "muted" }, reply.error?.message || t("no_connection"))); return; }
  peopleShown = reply.participants.length;
  const when = (at) => new Date(at * 1000).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  fill(box,
    h("h3", {}, `${tableName(state.event, tableId)} · ${count(reply.participants.length, "participant", "participants")}`),
    reply.participants.length
      ? h("ul", { class: "people" }, ...reply.participants.map((p) => h("li", {},
        h("span", {}, `#${p.participant} · ${t("joined_at")} ${when(p.joined_at)} · ${scoreText(state.tally?.method || "dots", p.dots)} · ${count(p.ideas, "idea", "ideas")}${p.proxied ? ` · ${t("paper_ballot")}` : ""}${p.phone ? ` · ${phoneText(p)}` : ""}`),
        h("button", { class: "danger", onclick: () => removePerson(p) }, t("remove_participant")))))
      : h("p", { class: "muted" }, t("no_participants")),
    h("p", { class: "hint" }, t("remove_participant_hint")));
}

// People here who joined from one phone (on the venue's network): the same letter, and that phone's seats in all.
function phoneText(p) {
  const name = p.phone <= 26 ? String.fromCharCode(64 + p.phone) : String(p.phone);
  return t("phone_seats").replace("{phone}", name).replace("{n}", p.phone_seats);
}

async function removePerson(p) {
  const body = t("ask_remove_participant_body");
  if (!(await ask({ title: `${t("remove_participant")}: #${p.participant}`, body, confirm: t("remove_participant"), danger: true }))) return;
  const ack = await act("participant.remove", { participant: p.participant });
  if (ack.ok) toast(t("participant_removed").replace("{n}", p.participant).replace("{dots}", ack.dots), "ok");
  if (peopleTable !== null) showPeople(peopleTable);
}

$("#headroom-form")?.addEventListener("submit", (e) => {
  e.preventDefault();
  act("seats.headroom", { seats: Number($("#headroom").value) });
});
