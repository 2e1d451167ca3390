// What every panel of the console shares: the connection to the server and the event's state, and who is at the
// console (the facilitator runs the event, the theme team clusters, the observer watches, read-only).
import { connect, statusBar } from "../client.js";
import { $, lang, t } from "../ui.js";

// what this console's role may do, from the server's one permission table (facilitation.domain.roles)
export const can = new Set((document.body.dataset.can || "").split(" ").filter(Boolean));
export const canRun = can.has("run_event");
export const canCluster = can.has("manage_themes");
export const canModerate = can.has("moderate_all_ideas");

const showAlert = (alert) => {
  const box = $("#alert");
  box.textContent = t(`alert_${alert.code}`);
  box.hidden = false;
};

// The console's render (console.js) is set once every panel is loaded; the first state arrives after that.
let draw = () => {};
export const onState = (fn) => { draw = fn; };
export const { state, act, request } = connect({ token: document.body.dataset.token, lang,
  onState: (s, update) => draw(s, update), onStatus: statusBar($("#status")), onAlert: showAlert });

// An event without a vote in its agenda (a listening day) shows no vote until one is opened anyway.
export const hasVote = (s) => s.event.agenda.some((p) => p.kind === "voting") || s.control.vote.state !== "not_open" || s.control.vote.round > 1;
