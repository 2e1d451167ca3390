// The whole-ballot methods, on the phone and on the table screen's paper ballots: share out 100 points, or rank
// the top k (Borda). The ballot is a draft on the device until sent; the server keeps the last one sent, and a new
// one replaces it until the vote closes.
import { axisChip, h, syncList, t, themeLabel, themeTitle } from "./ui.js";

const STEP = 5; // the − and + buttons move points by five; the field takes any number

// One voter's draft, kept across redraws and reloads (in the browser's storage, per event and round); started
// again from the server's ballot when that changes (an acknowledgement, another device of the same person, a
// new round). A reload finds its draft only if the server's ballot is still the one the draft started from.
export class WholeBallot {
  constructor(keyPrefix = "") {
    this.prefix = keyPrefix;
    this.seen = null;
    this.points = {};
    this.order = [];
    this.sending = false;
  }

  follow(round, mine, eventId = "") {
    const seen = `${round}:${JSON.stringify(mine)}`;
    if (seen === this.seen) return;
    const reloaded = this.seen === null;
    this.seen = seen;
    this.key = `ballot-draft:${eventId}:${this.prefix}${round}`;
    const kept = reloaded ? readDraft(this.key) : null;
    if (kept?.seen === seen) {
      this.points = kept.points;
      this.order = kept.order;
      return;
    }
    this.points = Object.fromEntries(Object.entries(mine).map(([id, n]) => [Number(id), n]));
    this.order = orderOf(mine);
  }

  keep() {
    try {
      localStorage.setItem(this.key, JSON.stringify({ seen: this.seen, points: this.points, order: this.order }));
    } catch { /* storage full or off (private mode): the draft lives as long as the page */ }
  }

  payload(vote) {
    return vote.method === "borda" ? { order: this.order }
      : { points: Object.fromEntries(Object.entries(this.points).filter(([, n]) => n > 0)) };
  }

  ready(vote) {
    if (vote.method === "borda") return this.order.length === vote.budget;
    return Object.values(this.points).reduce((a, b) => a + b, 0) === vote.budget;
  }

  // Whether the draft is what the server holds (sent and kept).
  saved(vote, mine) {
    if (!Object.values(mine).some((n) => n > 0)) return false;
    // A ranking is kept as the points its places earn (domain/voting.py decides how many): the order they put
    // the themes in is the order sent, so the draft's order is compared, and no scoring rule is written here.
    if (vote.method === "borda") return JSON.stringify(orderOf(mine)) === JSON.stringify(this.order);
    const given = (points) => JSON.stringify(Object.entries(points).filter(([, n]) => n > 0)
      .map(([id, n]) => [Number(id), n]).sort((a, b) => a[0] - b[0]));
    return given(mine) === given(this.points);
  }
}

// The themes of a ballot the server holds, most points first (a ranking's order).
const orderOf = (mine) => Object.entries(mine).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([id]) => Number(id));

// Draws the ballot into `root` (a container with .wb-head, .wb-list, .wb-send and .wb-note, made on first use).
// themes: the ballot's themes in this voter's order; vote: the round (method, budget, cap); mine: the server's
// ballot; send(payload) sends it and returns the acknowledgement.
export function drawWholeBallot(root, { event, themes, vote, mine, ballot, send, label = "" }) {
  if (!root.querySelector(".wb-list")) {
    root.replaceChildren(h("h3", { class: "wb-head" }), h("p", { class: "hint wb-hint" }),
      h("ol", { class: "ballot wb-list" }), h("p", { class: "saved-note wb-note", role: "status" }),
      h("button", { type: "button", class: "primary big wb-send" }));
    root.querySelector(".wb-send").addEventListener("click", () => submit(root));
  }
  root._wb = { event, themes, vote, mine, ballot, send, label };
  ballot.follow(vote.round, mine, event.id);
  const borda = vote.method === "borda";
  const given = Object.values(ballot.points).reduce((a, b) => a + b, 0);
  root.querySelector(".wb-head").textContent = borda
    ? t("rank_top").replace("{n}", vote.budget) + (label ? ` · ${label}` : "")
    : `${t("points_left")}: ${vote.budget - given} / ${vote.budget}` + (label ? ` · ${label}` : "");
  root.querySelector(".wb-hint").textContent = borda ? t("rank_hint").replace("{n}", vote.budget) : t("points_hint").replace("{n}", vote.budget);
  const items = themes.map((theme) => ({ theme, value: borda ? ballot.order.indexOf(theme.id) + 1 : ballot.points[theme.id] || 0 }));
  syncList(root.querySelector(".wb-list"), items, {
    key: (item) => item.theme.id,
    signature: (item) => JSON.stringify([item, borda, ballot.order.length, vote.budget, vote.cap, given]),
    render: ({ theme, value }) => (borda ? rankItem(root, event, theme, value) : pointsItem(root, event, theme, value, given)),
  });
  const saved = ballot.saved(vote, mine);
  const sendButton = root.querySelector(".wb-send");
  sendButton.textContent = ballot.sending ? t("sending") : saved ? t("ballot_sent") : t(borda ? "send_ranking" : "send_points");
  sendButton.disabled = ballot.sending || saved || !ballot.ready(vote);
  const note = root.querySelector(".wb-note");
  note.hidden = !saved && !Object.keys(mine).length;
  note.textContent = saved ? t("ballot_saved") : t("ballot_changed");
  note.classList.toggle("complete", saved);
  note.classList.toggle("changed", !saved);
}

function redraw(root) {
  drawWholeBallot(root, root._wb);
}

function pointsItem(root, event, theme, value, given) {
  const { vote, ballot } = root._wb;
  const id = theme.id;
  const set = (n) => {
    ballot.points[id] = Math.max(0, Math.min(vote.cap, vote.budget - (given - value), Math.round(n) || 0));
    ballot.keep();
    redraw(root);
  };
  const key = `${root._wb.ballot.prefix}${id}`;
  return h("li", { class: "ballot-item" },
    h("div", { class: "ballot-text" }, axisChip(event, theme.axis), themeLabel(event, theme, "strong")),
    h("div", { class: "ballot-controls" },
      h("button", { type: "button", class: "round", "aria-label": `− ${STEP} ${themeTitle(theme)}`, "data-focus-key": `less-${key}`, disabled: value === 0, onclick: () => set(value - STEP) }, "−"),
      h("input", { type: "number", class: "points-field", min: 0, max: vote.cap, step: 1, value, inputmode: "numeric", "aria-label": `${t("points")}: ${themeTitle(theme)}`, "data-focus-key": `points-${key}`, onfocus: (e) => e.target.select(), onchange: (e) => set(Number(e.target.value)) }),
      h("button", { type: "button", class: "round primary", "aria-label": `+ ${STEP} ${themeTitle(theme)}`, "data-focus-key": `more-${key}`, disabled: value >= vote.cap || given >= vote.budget, onclick: () => set(value + STEP) }, "+")));
}

function rankItem(root, event, theme, place) {
  const { vote, ballot } = root._wb;
  const id = theme.id;
  const toggle = () => {
    if (place) ballot.order = ballot.order.filter((x) => x !== id);
    else if (ballot.order.length < vote.budget) ballot.order = [...ballot.order, id];
    ballot.keep();
    redraw(root);
  };
  const full = !place && ballot.order.length >= vote.budget;
  return h("li", { class: `ballot-item rank-item${place ? " ranked" : ""}` },
    h("div", { class: "ballot-text" }, axisChip(event, theme.axis), themeLabel(event, theme, "strong")),
    h("div", { class: "ballot-controls" },
      h("button", { type: "button", class: `round${place ? " primary" : ""}`, "aria-pressed": place ? "true" : "false", "data-focus-key": `rank-${ballot.prefix}${id}`, disabled: full,
        "aria-label": place ? `${t("place")} ${place}: ${themeTitle(theme)} (${t("tap_to_remove")})` : `${t("rank_next")}: ${themeTitle(theme)}`, onclick: toggle }, place ? String(place) : "+")));
}

function readDraft(key) {
  try {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (!kept || typeof kept.points !== "object" || !Array.isArray(kept.order)) return null;
    return { seen: kept.seen, points: Object.fromEntries(Object.entries(kept.points).map(([id, n]) => [Number(id), Number(n) || 0])), order: kept.order.map(Number) };
  } catch {
    return null;
  }
}

async function submit(root) {
  const { vote, ballot, send } = root._wb;
  if (!ballot.ready(vote) || ballot.sending) return;
  ballot.sending = true;
  redraw(root);
  const ack = await send(ballot.payload(vote));
  ballot.sending = false;
  if (ack?.ok) root._wb.mine = ack.dots;
  redraw(root);
}
