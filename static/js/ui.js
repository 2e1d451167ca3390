// Small DOM helpers shared by every screen: safe element building, translations, timers, toasts.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

const strings = JSON.parse(document.getElementById("i18n").textContent);
export const lang = document.body.dataset.lang || "it";
export const t = (key) => strings[key] ?? key;

// "1 punto", "3 punti": counts with the singular and plural of the catalogue (it and en both have two forms).
export const plural = (n, one, many) => (n === 1 ? t(one) : t(many));
export const count = (n, one, many) => `${n} ${plural(n, one, many)}`;

// Plan texts come as {"it": "...", "en": "..."}.
export const loc = (text) => (text ? text[lang] ?? Object.values(text)[0] ?? "" : "");

// h("li", {class: "idea", onclick: fn}, "text", child) — text is always inserted as text, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "style" && typeof value === "object") {
      // an unset value (a theme without an axis has no colour) leaves the property to the stylesheet's default
      for (const [prop, v] of Object.entries(value)) if (v != null) el.style.setProperty(prop.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v);
    }
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

let toastTimer;
export function toast(message, kind = "error") {
  const el = $("#toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), kind === "error" ? 6000 : 2000);
}

// A table's name as people read it, in the reader's language, decided by the server (facilitation/labels.py).
export const tableName = (event, tableId) => loc(event.tables.find((x) => x.id === tableId)?.label);
// A table of another event as its export names it ("3", "online-2"): an imported idea's origin.
export const originTable = (key) => {
  const online = String(key).startsWith("online-");
  return `${online ? t("online_group") : t("table")} ${String(key).replace("online-", "")}`;
};

export const axisOf = (event, id) => event.axes.find((a) => a.id === id);

// A theme's title in the reader's language. Where the theme team has not written it, the first language's
// title stands in, tagged with its language, so nobody takes it for a translation.
export const themeTitle = (theme) => theme?.titles?.[lang] || theme?.title || "";
export function themeLabel(event, theme, tag = "span") {
  if (!theme) return h(tag, {}, "");
  const first = event.languages[0];
  if (lang === first || theme.titles?.[lang]) return h(tag, {}, themeTitle(theme));
  return h(tag, { lang: first }, theme.title, " ", h("small", { class: "lang-tag", title: t("not_translated") }, first.toUpperCase()));
}

export function axisChip(event, id) {
  const axis = axisOf(event, id);
  if (!axis) return null;
  const number = event.axes.indexOf(axis) + 1;
  return h("span", { class: "chip", style: { "--axis": axis.color }, title: loc(axis.name) }, `${number} · ${loc(axis.name)}`);
}

// Countdown: the server sends absolute times; the client corrects for its own clock's offset.
export function timerText(control, offset) {
  const timer = control?.timer;
  if (!timer || (timer.ends_at == null && timer.paused_left == null)) return "";
  const left = timer.ends_at != null ? Math.max(0, timer.ends_at - (Date.now() / 1000 + offset)) : timer.paused_left;
  const s = Math.round(left);
  const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return timer.ends_at == null ? `${text} (${t("paused")})` : text;
}

export function startClock(el, getState) {
  const tick = () => {
    const state = getState();
    if (state?.control) {
      el.textContent = timerText(state.control, state.clockOffset || 0);
      const timer = state.control.timer;
      el.classList.toggle("ending", timer?.ends_at != null && timer.ends_at - (Date.now() / 1000 + (state.clockOffset || 0)) < 60);
    }
  };
  tick();
  return setInterval(tick, 500);
}

export function currentPhase(state) {
  const index = state.control?.phase;
  return index == null ? null : state.event.agenda[index];
}

// A phase in rounds (World Café, 1-2-4-All, a round table by axis): the round in progress, or null.
export function currentStep(state) {
  const phase = currentPhase(state);
  const index = state.control?.step;
  return phase?.steps?.length && index != null ? phase.steps[index] ?? null : null;
}

// What people read as the phase: its title with the round's ("World Café · Round 2 · The proposals"), and the
// round's question when it has one, else the phase's.
export function phaseTitle(state) {
  const phase = currentPhase(state);
  const step = currentStep(state);
  return phase ? [loc(phase.title), step && loc(step.title)].filter(Boolean).join(" · ") : "";
}
export const phasePrompt = (state) => loc(currentStep(state)?.prompt) || loc(currentPhase(state)?.prompt);

// Rounds of voting as people read them: "Round 2 · 100 points to share · top 3 of round 1", decided on the server
// in each language (facilitation/labels.py round_label).
export const roundLabel = (vote) => loc(vote.label) || `${t("round")} ${vote.round}`;
export const scoreText = (method, n) => (method === "dots" ? count(n, "dot", "dots") : count(n, "point", "points"));

// A ranking as every screen draws it (results, a poll's answers, themes by their ideas): one row each with its
// rank, label, bar and score. The bar is as long as the read model says (`share`: a percentage of the longest,
// decided on the server by domain/ranking.py `shares`), so no two screens size one bar two ways.
// `rows`: {rank, label, share, score, color, key}; `skin`: "phone" (label above its bar), "wide" (one line:
// the console) or "projector" (the hall's type sizes).
const SKINS = {
  phone: { li: "result", rank: "rank", title: "title", track: "bar-track", fill: "bar-fill", score: "score" },
  wide: { li: "", rank: "rank", title: "title", track: "bar-track", fill: "bar-fill", score: "score" },
  projector: { li: "", rank: "p-rank", title: "p-result-title", track: "p-bar", fill: "p-bar-fill", score: "p-score" },
};
export function rankingItems(rows, skin = "phone") {
  const c = SKINS[skin];
  return rows.map((row) => h("li", { class: c.li, "data-key": row.key ?? null, style: { "--axis": row.color } },
    h("span", { class: c.rank }, row.rank ?? ""),
    h("span", { class: c.title }, row.label),
    h("span", { class: c.track, "aria-hidden": "true" },
      row.share == null ? null : h("span", { class: c.fill, style: { width: `${row.share}%`, background: row.color } })),
    h("span", { class: c.score }, row.score ?? "")));
}

// The letter of a poll's answer (A, B, …), as the room's screen and the phones name it; a scale has none.
export const pollLetter = (poll, i) => (poll.kind === "scale" ? "" : String.fromCharCode(65 + i));
export const pollLabels = (poll) => (poll.kind === "scale" ? ["1", "2", "3", "4", "5"] : poll.options);

export const SCREENS = ["auto", "join", "prompt", "wall", "themes", "progress", "results", "questions", "poll", "message", "blank"];

// The poll a projector shows: the one open, else the one whose results were just shown, else the last revealed.
export function shownPoll(state) {
  const polls = state.polls || [];
  const focus = state.control?.projector?.poll;
  return polls.filter((p) => p.state === "open").at(-1) || polls.find((p) => p.id === focus && p.revealed);
}
export const pollOnScreen = (state) => shownPoll(state) || (state.polls || []).filter((p) => p.revealed).at(-1);

// What the projector shows now: the facilitator's choice, or on "auto" what the agenda and the vote call for,
// decided by the server (domain/projector.py `shown`), so the projector, the console and the phones agree.
export const screenFor = (state) => state.control?.projector?.shown || "blank";

// Keeps a list's DOM in step with the data while touching only the items whose content changed, so that a
// click in progress, a focused field or an open dropdown survives updates arriving several times a second.
export function syncList(container, items, { key, render, signature = (item) => JSON.stringify(item), empty }) {
  // Keyboard focus survives a redraw: an item redrawn under the focus gets it back on the same control.
  const focusKey = container.contains(document.activeElement) ? document.activeElement.dataset?.focusKey : undefined;
  const existing = new Map([...container.children].filter((el) => el.dataset.key).map((el) => [el.dataset.key, el]));
  const wanted = items.map((item) => {
    const k = String(key(item));
    const sig = signature(item);
    const current = existing.get(k);
    if (current && current.dataset.sig === sig) return current;
    // Being edited in place: kept as it is (the next update after the edit redraws it).
    if (current && current.querySelector(".editing") && current.contains(document.activeElement)) return current;
    const fresh = render(item);
    fresh.dataset.key = k;
    fresh.dataset.sig = sig;
    current?.replaceWith(fresh);
    return fresh;
  });
  if (!items.length && empty) wanted.push(empty());
  const keep = new Set(wanted);
  for (const el of [...container.children]) if (!keep.has(el)) el.remove();
  wanted.forEach((el, i) => {
    if (container.children[i] !== el) container.insertBefore(el, container.children[i] ?? null);
  });
  if (focusKey && !container.contains(document.activeElement)) {
    const same = container.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
    const target = same && !same.disabled ? same : same?.closest("li")?.querySelector("button:not(:disabled)");
    target?.focus();
  }
}
