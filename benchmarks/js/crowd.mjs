// An open-loop crowd of phones, with the official Socket.IO client, for `make bench`.
//
// Every phone connects first; then each run sends its dots at scheduled times (rate per second, whatever the
// acks do), and a dot's latency is measured from its scheduled time to its ack. Runs alternate placing and
// removing the same dots, so every phone's budget is whole again for the next run. Screens (the console, the
// projector) stay connected; the first one measures how long after its ack each dot shows on a screen.
//
// With `failover` ({"pid", "followers": [their URLs]}: benchmarks/scaleout.py), once the runs are done the crowd
// kills the writer's process and every phone places one dot at that moment: a phone whose socket was on that
// process opens a new one (nginx sends it to another), a command answered "send it again" while the writing
// changes hands is sent again (the same client id: it counts once). It measures when a follower says it writes,
// and how long until every phone's dot was acknowledged.
//
// node crowd.mjs <config.json>   prints one JSON object: {"connect_ms", "runs": [...], "failover"}
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { url, phones, screens = [], themes, dots, runs, timeout_ms = 20000, event = "dot", axes = [] } = config;
const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Behind nginx with several processes (benchmarks/scaleout.py, `route: true`): each socket carries a route
// cookie of its own, as each browser would, so the crowd spreads over the processes as a hall would.
function open(options, cookie) {
  const route = config.route ? `facilitation_route=r${Math.random().toString(36).slice(2, 14)}` : null;
  const cookies = [cookie, route].filter(Boolean).join("; ");
  if (cookies) options = { ...options, extraHeaders: { Cookie: cookies } };
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ["websocket"], reconnection: false, timeout: 30000, ...options });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`connect: ${err.message}`)));
  });
}

const openPhone = (phone) =>
  phone.cookie ? open({}, `facilitation_device=${phone.cookie}`) : open({ auth: { token: phone.token } });

const started = now();
const watchers = [];
const screenSockets = [];
for (const [index, token] of screens.entries()) {
  const socket = await open({ auth: { token } });
  if (index === 0) {
    socket.on("update", (update) => {
      if (event === "idea") {
        if (update.stats && typeof update.stats.ideas === "number") watchers.push([now(), update.stats.ideas]);
      } else if (update.tally && typeof update.tally.dots === "number") watchers.push([now(), update.tally.dots]);
    });
  }
  screenSockets.push(socket);
}
const sockets = [];
for (let i = 0; i < phones.length; i += 50) {  // connect in waves, as a room does
  sockets.push(...await Promise.all(phones.slice(i, i + 50).map((phone) => openPhone(phone))));
}
const connectMs = now() - started;

function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// The server's longest event-loop stall during a run, from its per-second maxima (null for the echo server).
async function longestStall(fromMs, toMs) {
  try {
    const answer = await fetch(`${url}/healthz?seconds=1`);
    if (!answer.ok) return null;
    const seconds = (await answer.json()).stalls?.seconds;
    if (!seconds) return null;
    const inside = seconds.filter(([at]) => at >= Math.floor(fromMs / 1000) && at <= Math.floor(toMs / 1000));
    return inside.length ? Math.max(...inside.map(([, ms]) => ms)) : null;
  } catch {
    return null;
  }
}

async function burst(run, index) {
  const place = index % 2 === 0;
  const name = event === "idea" ? "idea.add" : event === "echo" || place ? "dot.place" : "dot.remove";
  const total = phones.length * dots;
  const plan = [];  // [phone, payload]: each phone's k-th action, phones interleaved
  for (let k = 0; k < dots; k++) {
    for (let p = 0; p < phones.length; p++) {
      plan.push([p, event === "idea"
        ? { text: `Idea ${k + 1} dal telefono ${p + 1}: più treni la sera`, axis: axes[(p + k) % axes.length] }
        : { theme: themes[(p + k) % themes.length] }]);
    }
  }
  const baseDots = watchers.length ? watchers[watchers.length - 1][1] : 0;
  const firstWatch = watchers.length;  // only updates that arrive during this run count for it
  const latencies = [];
  const acks = [];
  let refused = 0, lost = 0;
  const errors = {};
  const t0 = now() + 200;
  const wallStart = Date.now() + 200;
  await Promise.all(plan.map(([p, payload], i) => new Promise((resolve) => {
    const due = t0 + (i * 1000) / run.rate;
    setTimeout(() => {
      sockets[p].timeout(timeout_ms).emit(name, { cid: `r${index}p${p}i${i}x${Math.random().toString(36).slice(2, 10)}`, ...payload }, (err, ack) => {
        const at = now();
        if (err) { lost += 1; return resolve(); }
        if (!ack || !ack.ok) { refused += 1; const code = ack?.error?.code || "?"; errors[code] = (errors[code] || 0) + 1; }
        else { latencies.push(at - due); acks.push(at); }
        resolve();
      });
    }, Math.max(0, due - now()));
  })));
  const sent = now() - t0;
  const stallMs = await longestStall(wallStart, Date.now());
  // Screen freshness: the k-th ack (in time order) is shown once a tally update differs from the base by k.
  let freshness = [];
  if (screens.length && event !== "echo") {
    const deadline = now() + 5000;
    while (now() < deadline && Math.abs((watchers.at(-1)?.[1] ?? baseDots) - baseDots) < acks.length) await sleep(50);
    acks.sort((a, b) => a - b);
    let w = firstWatch;
    // The first update showing k changes; it may even beat the ack to the screen (then 0).
    freshness = acks.map((at, k) => {
      while (w < watchers.length && Math.abs(watchers[w][1] - baseDots) < k + 1) w++;
      return w < watchers.length ? Math.max(0, watchers[w][0] - at) : Infinity;
    });
  }
  await sleep(300);
  return {
    rate: run.rate, event: name, dots: total, acked: latencies.length, refused, lost, errors,
    seconds: sent / 1000, started_ms: wallStart,
    p50_ms: percentile(latencies, 0.5), p95_ms: percentile(latencies, 0.95), p99_ms: percentile(latencies, 0.99),
    max_ms: latencies.length ? Math.max(...latencies) : null,
    screen_p95_ms: freshness.length ? percentile(freshness, 0.95) : null,
    screen_missing: freshness.filter((f) => f === Infinity).length,
    stall_ms: stallMs,
  };
}

async function failover({ pid, followers }) {
  const t0 = now();
  let tookOver = null;
  const watching = (async () => {  // when a follower says it writes
    while (tookOver === null && now() - t0 < 60000) {
      for (const follower of followers) {
        try {
          if ((await (await fetch(`${follower}/healthz`)).json()).role === "writer") tookOver = now() - t0;
        } catch { /* not answering yet */ }
      }
      await sleep(20);
    }
  })();
  process.kill(pid, "SIGKILL");
  const errors = {};  // what a phone was told (or met) before it was served: a code, "no answer", "reconnect"
  const count = (what) => { errors[what] = (errors[what] || 0) + 1; };
  const served = await Promise.all(phones.map(async (phone, p) => {
    const payload = { cid: `failover-p${p}-${Math.random().toString(36).slice(2, 10)}`, theme: themes[p % themes.length] };
    for (let attempt = 0; now() - t0 < 60000; attempt++) {
      try {
        if (!sockets[p].connected) {
          sockets[p].disconnect();
          count("reconnect");
          sockets[p] = await openPhone(phone);
        }
        const ack = await sockets[p].timeout(15000).emitWithAck("dot.place", payload);
        if (ack && ack.ok) return now() - t0;
        count(ack?.error?.code || "?");
      } catch (err) { count(String(err.message || err).slice(0, 40)); }  // closed, or no answer: again
      // again as the phones' page does (Socket.IO's reconnection: 1 s doubling to 4 s, each ±50 %)
      await sleep(Math.min(4000, 1000 * 2 ** attempt) * (0.5 + Math.random()));
    }
    return null;
  }));
  await watching;
  const times = served.filter((ms) => ms !== null);
  return {
    phones: phones.length, served: times.length, took_over_ms: tookOver, errors,
    p50_ms: percentile(times, 0.5), p95_ms: percentile(times, 0.95),
    every_phone_ms: times.length === phones.length ? Math.max(...times) : null,
  };
}

const results = [];
for (const [index, run] of runs.entries()) results.push(await burst(run, index));
// Leave every budget whole for whatever comes next (the Python crowd): take back the last run's dots.
const tidy = runs.length % 2 === 1 && event === "dot" ? await burst({ rate: 500 }, runs.length) : null;
const moved = config.failover ? await failover(config.failover) : null;
for (const socket of [...sockets, ...screenSockets]) socket.disconnect();
console.log(JSON.stringify({ client: "socket.io-client (node)", connect_ms: connectMs, runs: results, tidy, failover: moved }));
process.exit(0);
