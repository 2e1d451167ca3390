// The one client for the socket protocol (docs/protocol.md): connect with a capability token, keep a
// snapshot + version, apply batched updates, resync after every reconnect, and send commands that are
// retried with the same client id until acknowledged (the server counts each id once).
import { io } from "/static/vendor/socket.io.esm.min.js";
import { t, toast } from "./ui.js";

const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).replace(/[^A-Za-z0-9_-]/g, "");

export function connect({ token, lang, onState, onStatus = () => {}, onAlert = () => {} }) {
  const state = { version: -1, ideas: new Map(), clockOffset: 0 };
  const socket = io({ auth: { token: token || undefined, lang }, reconnectionDelayMax: 4000 });

  const applyControl = (control) => {
    state.control = control;
    if (control?.server_time) state.clockOffset = control.server_time - Date.now() / 1000;
  };

  let snapshots = 0;
  // After a reconnect only what was missed matters; `full` asks again for the personal parts too.
  const resync = ({ full = false } = {}) =>
    socket.emit("sync", { since: !full && state.version >= 0 ? state.version : null }, (reply) => {
      if (!reply?.ok) return onStatus("refused", reply?.error?.message);
      if (reply.current) return onStatus("online");
      const { ideas, control, ...rest } = reply;
      Object.assign(state, rest);
      applyControl(control);
      state.ideas = new Map(ideas.map((idea) => [idea.id, idea]));
      snapshots += 1;
      onStatus("online");
      onState(state, { snapshot: true });
      if (reply.ideas_next) morePages(reply.ideas_next, snapshots);
    });

  // A screen's snapshot carries one page of ideas; the rest come page by page, each read after the snapshot
  // (so as new as the updates that came meanwhile), until the last or until a newer snapshot takes over.
  const morePages = (after, snapshot) =>
    socket.timeout(20000).emit("ideas.page", { after }, (err, page) => {
      if (snapshot !== snapshots) return;
      if (err || !page?.ok) return setTimeout(() => morePages(after, snapshot), 2000);
      for (const idea of page.ideas) state.ideas.set(idea.id, idea);
      onState(state, { ideas: page.ideas });
      if (page.next) morePages(page.next, snapshot);
    });

  // The server closes a phone's socket when the phone moves table: reconnect at once, scoped to the new one.
  let rescoped = false;
  socket.on("connect", () => { resync({ full: rescoped }); rescoped = false; });
  socket.on("disconnect", (reason) => {
    onStatus("offline");
    if (reason === "io server disconnect") { rescoped = true; socket.connect(); }
  });
  socket.on("connect_error", (err) => onStatus(socket.active ? "offline" : "refused", err?.message));
  socket.on("alert", (alert) => onAlert(alert)); // staff only: the server cannot save (disk full, locked)
  socket.on("update", (update) => {
    if (update.version < state.version) return; // older than the snapshot we already hold
    const { ideas, control, ...rest } = update;
    Object.assign(state, rest);
    if (control) applyControl(control);
    for (const idea of ideas || []) {
      if (idea.gone && !("hidden" in idea)) state.ideas.delete(idea.id);
      else state.ideas.set(idea.id, idea);
    }
    onState(state, update);
  });

  // Resolves with the ack ({ok: true, ...} or {ok: false, error: {code, message}}); retries while offline.
  // `cid` lets a caller resend the same submission under the same id (see draftSender).
  function send(name, payload = {}, { attempts = 4, cid = newId() } = {}) {
    const message = { cid, ...payload };
    return new Promise((resolve) => {
      let tries = 0;
      const attempt = () => {
        tries += 1;
        socket.timeout(5000).emit(name, message, (err, ack) => {
          if (!err) return resolve(ack);
          if (tries >= attempts) return resolve({ ok: false, error: { code: "timeout", message: t("no_connection") } });
          onStatus("retrying");
          setTimeout(attempt, 1000 * tries);
        });
      };
      attempt();
    });
  }

  const request = (name, payload = {}, ms = 8000) =>
    new Promise((resolve) => socket.timeout(ms).emit(name, payload, (err, ack) => resolve(err ? { ok: false } : ack)));

  // For buttons and forms: send, and tell the person in a toast if the server refused.
  async function act(name, payload = {}, options = {}) {
    const ack = await send(name, payload, options);
    if (!ack.ok) toast(ack.error.message);
    return ack;
  }

  // A form keeps its client id until the server answers: if the server stored a submission but its ack was
  // lost on the way back, pressing Send again is the same submission, not a copy.
  function draftSender(name) {
    let draft = null;
    return async (payload) => {
      const body = JSON.stringify(payload);
      if (draft?.body !== body) draft = { body, cid: newId() };
      const ack = await act(name, payload, { cid: draft.cid });
      if (ack.ok || ack.error?.code !== "timeout") draft = null;
      return ack;
    };
  }

  return { state, send, act, request, resync, socket, draftSender };
}

// Shows connection trouble in the status bar, so nobody thinks a lost connection lost their work.
export function statusBar(el) {
  return (status, message) => {
    if (status === "online") { el.hidden = true; return; }
    el.hidden = false;
    el.dataset.kind = status;
    el.textContent = status === "refused" ? `${t("refused")}: ${message || ""}` : status === "retrying" ? t("retrying") : t("offline");
  };
}
