// The room display: what the room sees, readable from the back row. Public socket, no names.
import { fitWidth } from "./fit-width.js";
import {
  CALL_LABELS, PUBLIC_MESSAGES, RoomSocket, conversionsText, euros, openingOf, showAnnouncement, socketUrl,
} from "./room-socket.js";

const HAMMER_OVERLAY_MS = 4000;
const PASS_OVERLAY_MS = 3000;

const root = document.getElementById("display");
const $ = (id) => document.getElementById(id);
const catalogue = JSON.parse($("sale-lots").textContent);
const lotsById = new Map(catalogue.map((lot) => [lot.id, lot]));

const CONNECTION_TEXT = { connecting: "Reconnexion…", connected: "Connecté", disconnected: "Hors ligne" };
// "En direct" only while the sale is running: before it opens the screen is merely connected.
const LIVE_STATUSES = new Set(["open", "paused"]);

let view = null;
let results = {};
let connection = "connecting";
let overlayTimer = null;
let seenLive = false;

function nextLot() {
  return catalogue.find((lot) => !lot.withdrawn && !(String(lot.id) in results)) || null;
}

function show(element, visible) {
  element.hidden = !visible;
}

function setText(id, text) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text;
}

function showLot(lot, { kicker, caption, amountCents }) {
  const info = lotsById.get(lot.id);
  const photo = $("display-photo");
  const path = lot.photo !== undefined ? lot.photo : info && info.photo;
  const src = path ? `/medias/${path}` : "";
  if (photo.getAttribute("src") !== src) photo.setAttribute("src", src);
  photo.alt = info && info.alt ? info.alt : `Photo du lot ${lot.label}`;
  show(photo, !!path);
  setText("display-kicker", kicker || "");
  show($("display-kicker"), !!kicker);
  setText("display-lot", `Lot ${lot.label}`);
  setText("display-title", lot.title);
  setText("display-caption", caption);
  const amount = $("display-amount");
  const text = euros(amountCents);
  if (amount.textContent !== text) {
    amount.textContent = text;
    fitWidth(amount);
    amount.classList.remove("flash");
    void amount.offsetWidth;   // restart the animation
    amount.classList.add("flash");
  }
}

window.addEventListener("resize", () => {
  fitWidth($("display-amount"));
  fitWidth($("overlay-amount"));
});

function renderConnection() {
  const status = view ? view.status : "ready";
  const text = connection === "connected" && LIVE_STATUSES.has(status) ? "En direct" : CONNECTION_TEXT[connection];
  setText("connection-text", text);
  $("connection-state").dataset.live = text === "En direct" ? "true" : "false";
}

function render() {
  renderConnection();
  const status = view ? view.status : "ready";
  root.dataset.status = status;
  root.dataset.connection = connection;
  const stage = $("display-stage");
  const message = $("display-message");
  const lot = view ? view.lot : null;
  const bid = view ? view.current_bid : null;

  let messageText = PUBLIC_MESSAGES[status] || "";
  let bidding = false;
  if (lot && (status === "open" || status === "paused")) {
    bidding = true;
    show(stage, true);
    showLot(lot, {
      kicker: "",
      caption: bid ? "Enchère en cours" : openingOf(lot).caption,
      amountCents: bid ? bid.amount_cents : openingOf(lot).cents,
    });
  } else if (status === "stopped" || status === "closed") {
    show(stage, false);
  } else {
    const next = nextLot();
    if (next) {
      show(stage, true);
      showLot(next, {
        kicker: status === "ready" ? "Premier lot" : "Prochain lot",
        caption: openingOf(next).caption,
        amountCents: openingOf(next).cents,
      });
    } else {
      show(stage, false);
      if (status === "open") messageText = "Tous les lots ont été présentés";
    }
  }
  setText("display-message", messageText);
  message.dataset.kind = status;
  show(message, !!messageText);

  const conversions = bidding ? conversionsText(view.conversions) : "";
  setText("display-conversions", conversions);
  show($("display-conversions"), !!conversions);

  const paddle = $("display-paddle");
  show(paddle, bidding && !!bid);
  setText("display-paddle", bid ? `Panneau ${bid.paddle}` : "");
  const next = $("display-next");
  show(next, bidding && status === "open" && view.next_minimum_cents !== null);
  setText("display-next", bidding ? `Prochaine enchère : ${euros(view.next_minimum_cents)}` : "");
  const calls = $("display-calls");
  show(calls, bidding && !!bid && view.calls > 0);
  for (const item of calls.querySelectorAll("li")) {
    item.classList.toggle("done", view !== null && Number(item.dataset.call) <= view.calls);
  }

  fitWidth($("display-amount"));

  const last = view ? view.last_hammer : null;
  setText("display-last", last
    ? `Dernière adjudication : lot ${last.label}, ${euros(last.amount_cents)}, panneau ${last.paddle}` : "");
  setText("display-progress", view && view.lots_sold > 0
    ? `${view.lots_sold} lot${view.lots_sold > 1 ? "s" : ""} adjugé${view.lots_sold > 1 ? "s" : ""} sur ${view.lots_total}` : "");
}

function showOverlay({ kind, title, lot, lotTitle, amount, paddle }, duration) {
  const overlay = $("display-overlay");
  overlay.dataset.kind = kind;
  setText("overlay-title", title);
  setText("overlay-lot", lot || "");
  setText("overlay-lot-title", lotTitle || "");
  show($("overlay-lot-title"), !!lotTitle);
  setText("overlay-amount", amount || "");
  setText("overlay-paddle", paddle || "");
  show($("overlay-amount"), !!amount);
  show($("overlay-paddle"), !!paddle);
  overlay.hidden = false;
  fitWidth($("overlay-amount"));
  clearTimeout(overlayTimer);
  overlayTimer = setTimeout(() => { overlay.hidden = true; }, duration);
}

function hideOverlay() {
  clearTimeout(overlayTimer);
  $("display-overlay").hidden = true;
}

function onEvent(event) {
  const p = event.payload || {};
  const lot = lotsById.get(p.lot_id);
  const label = lot ? `Lot ${lot.label}` : "";
  const lotTitle = lot ? lot.title : "";
  if (event.kind === "hammer") {
    showOverlay({ kind: "hammer", title: "Adjugé !", lot: label, lotTitle, amount: euros(p.amount_cents),
      paddle: `Panneau ${p.paddle}` }, HAMMER_OVERLAY_MS);
  } else if (event.kind === "lot_passed") {
    showOverlay({ kind: "passed", title: "Invendu", lot: label, lotTitle }, PASS_OVERLAY_MS);
  } else if (event.kind === "lot_withdrawn") {
    showOverlay({ kind: "passed", title: "Lot retiré", lot: label, lotTitle }, PASS_OVERLAY_MS);
  } else if (event.kind === "announcement") {
    showAnnouncement($("display-announcement"), p.text);
  } else if (["lot_opened", "lot_reoffered", "lot_put_up_again_in_room", "bid", "bid_retracted"].includes(event.kind)) {
    hideOverlay();
  }
}

const socket = new RoomSocket(socketUrl(root.dataset.socket), {
  onUpdate({ state, results: latest, event, live }) {
    view = state;
    results = latest;
    render();
    if (event && live) onEvent(event);
    if (state.status !== "open") hideOverlay();
  },
  onConnection(status) {
    connection = status;
    const indicator = $("connection-state");
    indicator.dataset.state = status;
    renderConnection();
    root.dataset.connection = status;
    // Once the room has been seen live, a lost connection greys the bid out: it may be stale.
    if (status === "connected") seenLive = true;
    root.dataset.stale = seenLive && status !== "connected" ? "true" : "false";
  },
});

// A double click (or tap) puts the display in full screen; the screen is kept awake when it can be.
root.addEventListener("dblclick", () => {
  if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  }
});

async function keepAwake() {
  try {
    if (navigator.wakeLock && document.visibilityState === "visible") await navigator.wakeLock.request("screen");
  } catch (err) {
    /* not allowed here (insecure context, battery saver): the screen's own settings apply */
  }
}
document.addEventListener("visibilitychange", keepAwake);
keepAwake();

window.crieeRoom = socket;   // for the browser console and the browser tests
socket.start();
