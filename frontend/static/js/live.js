// The public live page of a sale, phone first: the room as it happens, and for a verified online
// bidder a button that bids the next minimum (docs/protocol.md, the bidder socket).
import {
  PUBLIC_MESSAGES, RoomSocket, SOURCE_LABELS, conversionsText, euros, openingOf, showAnnouncement, socketUrl,
} from "./room-socket.js";

const root = document.getElementById("live");
const $ = (id) => document.getElementById(id);
const catalogue = JSON.parse($("sale-lots").textContent);
const lotsById = new Map(catalogue.map((lot) => [lot.id, lot]));
const myPaddle = root.dataset.paddle ? Number(root.dataset.paddle) : null;
const onOffer = catalogue.filter((lot) => !lot.withdrawn);
const COMING_LOTS = 3;

const CONNECTION_TEXT = { connecting: "Reconnexion…", connected: "En direct", disconnected: "Hors ligne" };
// After the bid button's amount changes (a new bid, a new lot), it cannot be tapped for this long: a
// tap meant for the amount just replaced must not bid the next step, which the bidder never saw.
const SETTLE_MS = 700;

const ui = {
  view: null,
  results: {},
  connection: "connecting",
  busy: false,          // our bid is waiting for its answer
  seenLive: false,
  offerKey: null,       // what the bid button offers (lot, amount, bid it covers), as last drawn
  settling: false,      // the offer changed less than SETTLE_MS ago: the button waits
  settleTimer: null,
  armed: null,          // the bid the button offered when it was last enabled: what a tap sends
};

function setText(id, text) {
  const element = $(id);
  if (element && element.textContent !== text) element.textContent = text;
}

function show(element, visible) {
  if (element) element.hidden = !visible;
}

function leading(view) {
  return myPaddle !== null && !!view && !!view.current_bid && view.current_bid.paddle === myPaddle;
}

function render() {
  const v = ui.view;
  const status = v ? v.status : "ready";
  root.dataset.status = status;
  root.dataset.connection = ui.connection;
  root.dataset.stale = ui.seenLive && ui.connection !== "connected" ? "true" : "false";
  const lot = v ? v.lot : null;
  const bid = v ? v.current_bid : null;
  const onBlock = !!lot && (status === "open" || status === "paused");

  let message = PUBLIC_MESSAGES[status] || "";
  if (status === "open" && !lot) message = "Entre deux lots : le prochain va être présenté";
  setText("live-message", message);
  show($("live-message"), !!message);

  show($("live-stage"), onBlock);
  if (onBlock) {
    const info = lotsById.get(lot.id);
    const photo = $("live-photo");
    const src = lot.photo ? `/medias/${lot.photo}` : "";
    if (photo.getAttribute("src") !== src) photo.setAttribute("src", src);
    photo.alt = info && info.alt ? info.alt : `Photo du lot ${lot.label}`;
    show(photo, !!lot.photo);
    setText("live-lot", `Lot ${lot.label}`);
    setText("live-title", lot.title);
    const opening = openingOf(lot);
    setText("live-caption", bid ? "Enchère en cours" : opening.caption);
    setText("live-amount", euros(bid ? bid.amount_cents : opening.cents));
    const conversions = conversionsText(v.conversions);
    setText("live-conversions", conversions);
    show($("live-conversions"), !!conversions);
    const position = onOffer.findIndex((l) => l.id === lot.id);
    setText("live-progress", position >= 0 ? `· ${position + 1} sur ${onOffer.length}` : "");
    setText("live-estimate", info && info.high ? `Estimation ${euros(info.low)} – ${euros(info.high)}` : "");
    setText("live-description", info ? info.description : "");
    renderBids(v.recent_bids || []);
    const leader = $("live-leader");
    show(leader, !!bid);
    leader.dataset.mine = leading(v) ? "true" : "false";
    setText("live-leader", bid ? (leading(v) ? `Vous êtes en tête (panneau ${bid.paddle})` : `Panneau ${bid.paddle}`) : "");
    show($("live-next"), status === "open");
    setText("live-next", `Prochaine enchère : ${euros(v.next_minimum_cents)}`);
    const calls = $("live-calls");
    show(calls, !!bid && v.calls > 0);
    for (const item of calls.querySelectorAll("li")) {
      item.classList.toggle("done", Number(item.dataset.call) <= v.calls);
    }
  }

  renderComing(lot);
  const last = v ? v.last_hammer : null;
  setText("live-last", last
    ? `Dernière adjudication : lot ${last.label}, ${euros(last.amount_cents)}, panneau ${last.paddle}` : "");

  const button = $("bid-button");
  if (button) renderBidButton(button, v, onBlock && status === "open");
}

/** The lot's last bids, newest first, with their origin (salle, en ligne…): a paddle, never a name. */
function renderBids(bids) {
  const items = bids.map((b) => {
    const li = document.createElement("li");
    const mine = myPaddle !== null && b.paddle === myPaddle;
    li.textContent = `${euros(b.amount_cents)} · ${SOURCE_LABELS[b.source] || b.source}${mine ? " (vous)" : ""}`;
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "Pas encore d'enchère sur ce lot.";
    items.push(li);
  }
  $("live-bid-list").replaceChildren(...items);
}

/** The next lots to come (after the one on the block, or from the first not yet offered). */
function renderComing(lot) {
  const start = lot ? onOffer.findIndex((l) => l.id === lot.id) + 1 : 0;
  const coming = onOffer.slice(start).filter((l) => !(String(l.id) in ui.results)).slice(0, COMING_LOTS);
  show($("live-coming"), coming.length > 0 && (!ui.view || !["stopped", "closed"].includes(ui.view.status)));
  $("live-coming-list").replaceChildren(...coming.map((l) => {
    const li = document.createElement("li");
    const opening = openingOf(l);
    li.textContent = `Lot ${l.label} · ${l.title} · ${opening.caption.toLowerCase()} ${euros(opening.cents)}`
      + (l.high ? ` · estimation ${euros(l.low)} – ${euros(l.high)}` : "");
    return li;
  }));
}

/** The bid button: its amount, and enabled only once that amount has stood still for SETTLE_MS. */
function renderBidButton(button, v, biddable) {
  const offer = biddable ? {
    lotId: v.lot.id,
    amount: v.next_minimum_cents,
    expectedBidSeq: v.current_bid ? v.current_bid.seq : null,
  } : null;
  const key = offer ? `${offer.lotId}:${offer.amount}:${offer.expectedBidSeq}` : null;
  if (key !== ui.offerKey) {
    ui.offerKey = key;
    ui.armed = null;
    clearTimeout(ui.settleTimer);
    ui.settling = key !== null;
    if (ui.settling && button.dataset.settling === "true") {
      button.dataset.settling = "false";   // changed again while waiting: the bar starts over
      void button.offsetWidth;
    }
    if (ui.settling) {
      ui.settleTimer = setTimeout(() => {
        ui.settling = false;
        render();
      }, SETTLE_MS);
    }
  }
  const mine = leading(v);
  const canBid = !!offer && ui.connection === "connected" && !ui.busy && !ui.settling && !mine;
  if (canBid && ui.armed === null) ui.armed = offer;   // enabled now, with this amount on it
  if (!canBid) ui.armed = null;
  button.disabled = !canBid;
  button.dataset.settling = offer && ui.settling && !mine ? "true" : "false";
  setText("bid-button", offer ? `Enchérir ${euros(offer.amount)}` : "Enchérir");
}

function say(text) {
  setText("bid-status", text);
}

function alarm(text) {
  const alert = $("bid-alert");
  if (!alert) return;
  alert.textContent = text || "";
  alert.hidden = !text;
}

function onEvent(event, before) {
  const p = event.payload || {};
  if (event.kind === "announcement") showAnnouncement($("live-announcement"), p.text);
  if (myPaddle === null) return;
  if (event.kind === "bid" && p.paddle !== myPaddle && before && before.current_bid
      && before.current_bid.paddle === myPaddle) {
    alarm(`Surenchéri : l'enchère est maintenant de ${euros(p.amount_cents)} (panneau ${p.paddle}).`);
    say("");
  } else if (event.kind === "bid" && p.paddle === myPaddle) {
    alarm("");
  } else if (event.kind === "hammer") {
    const lot = lotsById.get(p.lot_id);
    const label = lot ? lot.label : p.lot_id;
    alarm("");
    say(p.paddle === myPaddle
      ? `Adjugé ! Vous remportez le lot ${label} pour ${euros(p.amount_cents)}.`
      : `Lot ${label} adjugé ${euros(p.amount_cents)} au panneau ${p.paddle}.`);
  } else if (["lot_opened", "lot_reoffered", "lot_put_up_again_in_room"].includes(event.kind)) {
    alarm("");
    say("");
  }
}

async function placeBid() {
  // Exactly the bid the button showed when it was enabled: never one read from a newer view.
  const offer = ui.armed;
  if (!offer || ui.busy || $("bid-button").disabled) return;
  const amount = offer.amount;
  ui.busy = true;
  alarm("");
  say(`Enchère de ${euros(amount)} envoyée…`);
  render();
  try {
    await socket.sendCommand("bid", {
      lot_id: offer.lotId, amount_cents: amount, expected_bid_seq: offer.expectedBidSeq,
    });
    say(`Votre enchère de ${euros(amount)} est enregistrée.`);
  } catch (error) {
    say("");
    alarm(error.message || "Votre enchère n'a pas été enregistrée.");
  } finally {
    ui.busy = false;
    render();
  }
}

const socket = new RoomSocket(socketUrl(root.dataset.socket), {
  onUpdate({ state, results, event, live }) {
    const before = ui.view;
    ui.view = state;
    ui.results = results || {};
    render();
    if (event && live) onEvent(event, before);
  },
  onConnection(status) {
    ui.connection = status;
    if (status === "connected") ui.seenLive = true;
    const indicator = $("connection-state");
    indicator.dataset.state = status;
    indicator.textContent = CONNECTION_TEXT[status];
    render();
  },
  onNotice(error) {
    alarm(error.message);
  },
});

if ($("bid-button")) {
  $("bid-button").style.setProperty("--settle-ms", `${SETTLE_MS}ms`);
  $("bid-button").addEventListener("click", placeBid);
}
render();
window.crieeRoom = socket;   // for the browser console and the browser tests
socket.start();
