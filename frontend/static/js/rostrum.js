// The auctioneer's screen (pupitre): what the officer at the rostrum reads, in large type. Read-only:
// it sends hello and ping only, on its own staff socket (docs/protocol.md), and fetches the lot's
// orders and phone lines, without names or numbers, whenever the lot on the block changes.
import { fitWidth } from "./fit-width.js";
import { bookFetcher } from "./room-book.js";
import { CALL_LABELS, RoomSocket, SOURCE_LABELS, euros, openingOf, socketUrl } from "./room-socket.js";

const NEXT_LOTS = 3;        // the coming lots listed
const BOOK_ROWS = 4;        // orders (and phone lines) listed for the lot; the rest is counted
const EARLIER_BIDS = 4;     // the lot's bids before the current one, newest first
// Two to a line under the calls: the origin in a word.
const SHORT_SOURCES = { room: "salle", phone: "tél.", online: "en ligne", absentee: "ordre" };

const root = document.getElementById("rostrum");
const $ = (id) => document.getElementById(id);
const catalogue = JSON.parse($("sale-lots").textContent);
const lotsById = new Map(catalogue.map((lot) => [lot.id, lot]));

const STATUS_TEXT = {
  ready: "Vente non ouverte", open: "Vente ouverte", paused: "Vente suspendue", stopped: "Vente arrêtée",
  adjourned: "Séance close", closed: "Vente close",
};
const MESSAGES = {
  stopped: "Vente arrêtée : les créances sont couvertes (CPCE L221-4).",
  closed: "Vente close.",
};
const CONNECTION_TEXT = { connecting: "Connexion…", connected: "Connecté", disconnected: "Hors ligne" };

let view = null;
let results = {};
let book = [];
let bookLot = undefined;    // the lot whose book was last asked for
let seenLive = false;

function setText(id, text) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text;
}

function concluded(lot) {
  return lot.withdrawn || String(lot.id) in results;
}

/** The lot on the block, else the lot to come (while the sale can still offer one). */
function focusLot() {
  if (!view || view.status === "stopped" || view.status === "closed") return null;
  if (view.lot) return { lot: lotsById.get(view.lot.id) || view.lot, onBlock: true };
  const next = catalogue.find((lot) => !concluded(lot));
  return next ? { lot: next, onBlock: false } : null;
}

/** The coming lots after `current` in catalogue order (then those left before it). */
function comingLots(current) {
  const start = current ? catalogue.findIndex((lot) => lot.id === current.id) : -1;
  const ordered = [...catalogue.slice(start + 1), ...catalogue.slice(0, Math.max(start, 0))];
  return ordered.filter((lot) => !concluded(lot) && (!current || lot.id !== current.id)).slice(0, NEXT_LOTS);
}

window.addEventListener("resize", () => fitWidth($("rostrum-ask")));

function item(text, state, aside) {
  const li = document.createElement("li");
  const main = document.createElement("span");
  main.textContent = text;
  li.append(main);
  if (aside) {
    const right = document.createElement("span");
    right.className = "aside";
    right.textContent = aside;
    li.append(right);
  }
  if (state) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.dataset.state = state.kind;
    badge.textContent = state.text;
    li.append(badge);
  }
  return li;
}

function capped(items, noun) {
  if (items.length <= BOOK_ROWS) return items;
  const more = items.length - (BOOK_ROWS - 1);
  return [...items.slice(0, BOOK_ROWS - 1), item(`et ${more} autre${more > 1 ? "s" : ""} ${noun}`)];
}

function renderBook(focus) {
  const lotId = focus ? focus.lot.id : null;
  const bid = focus && focus.onBlock ? view.current_bid : null;
  const minimum = focus && focus.onBlock ? view.next_minimum_cents : null;
  const orders = book.filter((r) => r.kind === "absentee" && r.lot_id === lotId);
  const phones = book.filter((r) => r.kind === "phone" && r.lot_id === lotId);
  const orderItems = orders.map((r) => {
    let state = null;
    if (r.blocked) state = { kind: "blocked", text: "bloqué" };
    else if (bid && bid.source === "absentee" && bid.paddle === r.paddle) state = { kind: "leading", text: "en tête" };
    else if (minimum !== null && minimum > r.max_amount_cents) state = { kind: "beaten", text: "dépassé" };
    return item(`Panneau ${r.paddle} · jusqu'à ${euros(r.max_amount_cents)}`, state);
  });
  const phoneItems = phones.map((r) => {
    let state = null;
    if (r.blocked) state = { kind: "blocked", text: "bloqué" };
    else if (bid && bid.source === "phone" && bid.paddle === r.paddle) state = { kind: "leading", text: "en tête" };
    return item(`Panneau ${r.paddle}`, state);
  });
  $("order-list").replaceChildren(...(orderItems.length ? capped(orderItems, "ordres")
    : [item(lotId === null ? "—" : "Aucun ordre d'achat")]));
  $("phone-list").replaceChildren(...(phoneItems.length ? capped(phoneItems, "lignes")
    : [item(lotId === null ? "—" : "Aucune ligne téléphonique")]));
}

/** The lot's bids before the current one, with their origin (the public view's recent bids: no name). */
function renderEarlier(focus) {
  const earlier = focus && focus.onBlock ? (view.recent_bids || []).slice(1, 1 + EARLIER_BIDS) : [];
  $("rostrum-earlier").hidden = earlier.length === 0;
  $("earlier-list").replaceChildren(...earlier.map((b) => {
    const li = document.createElement("li");
    li.textContent = `${euros(b.amount_cents)} · ${SHORT_SOURCES[b.source] || b.source}, p. ${b.paddle}`;
    return li;
  }));
}

function renderCase(focus) {
  const found = focus ? (view.cases || []).find((c) => c.id === focus.lot.case_id) : null;
  const box = $("rostrum-case");
  box.dataset.covered = found && found.covered ? "true" : "false";
  if (!found) {
    setText("case-line", "—");
    setText("case-rest", "");
    $("case-note").hidden = true;
    return;
  }
  setText("case-line", `Dossier ${found.reference} : produit net ${euros(found.net_proceeds_cents)} `
    + `sur ${euros(found.claims_cents)} de créances`);
  setText("case-rest", found.covered
    ? "Seuil atteint : la vente des lots de ce dossier doit s'arrêter."
    : `Reste ${euros(found.claims_cents - found.net_proceeds_cents)} avant le seuil d'arrêt.`);
  $("case-note").hidden = !found.claims_note;
  setText("case-note", found.claims_note || "");
}

function renderNext(focus) {
  const coming = comingLots(focus ? focus.lot : null);
  $("next-list").replaceChildren(...(coming.length
    ? coming.map((lot) => item(`Lot ${lot.label} · ${lot.title}`, null, euros(openingOf(lot).cents)))
    : [item("Aucun autre lot à venir")]));
}

function render() {
  const status = view ? view.status : "ready";
  root.dataset.status = status;
  const badge = $("rostrum-status");
  badge.dataset.status = status;
  setText("rostrum-status", view ? STATUS_TEXT[status] || status : "Chargement…");
  setText("rostrum-progress", view ? `${view.lots_sold} adjugé${view.lots_sold > 1 ? "s" : ""} sur ${view.lots_total} lots` : "");

  const focus = focusLot();
  const message = view ? (MESSAGES[status] || (focus ? "" : "Tous les lots ont été présentés.")) : "";
  setText("rostrum-message", message);
  $("rostrum-message").hidden = !message;
  $("rostrum-stage").hidden = !focus;

  if (focus) {
    const { lot, onBlock } = focus;
    const bid = onBlock ? view.current_bid : null;
    let kicker = "En vente";
    if (!onBlock) kicker = status === "ready" ? "Premier lot" : "Prochain lot";
    if (onBlock && status === "paused") kicker = "En vente · vente suspendue";
    setText("rostrum-kicker", kicker);
    setText("rostrum-lot", `Lot ${lot.label}`);
    setText("rostrum-estimate", lot.estimate_high_cents
      ? `Estimation ${euros(lot.estimate_low_cents)} – ${euros(lot.estimate_high_cents)}` : "");
    setText("rostrum-title", lot.title);
    setText("rostrum-ask-caption", onBlock ? "Enchère demandée" : openingOf(lot).caption);
    const ask = onBlock ? view.next_minimum_cents : openingOf(lot).cents;
    const askElement = $("rostrum-ask");
    setText("rostrum-ask", euros(ask));
    fitWidth(askElement);
    $("rostrum-bid").hidden = !onBlock;
    setText("rostrum-current", bid ? euros(bid.amount_cents) : "Aucune enchère");
    $("rostrum-current").dataset.empty = bid ? "false" : "true";
    setText("rostrum-origin", bid ? `${SOURCE_LABELS[bid.source] || bid.source} · panneau ${bid.paddle}` : "");
    const calls = $("rostrum-calls");
    calls.hidden = !onBlock;
    for (const li of calls.querySelectorAll("li")) {
      const done = onBlock && Number(li.dataset.call) <= view.calls;
      li.classList.toggle("done", done);
      li.textContent = `${CALL_LABELS[Number(li.dataset.call) - 1]}${done ? " ✓" : ""}`;
    }
  }
  renderEarlier(focus);
  renderBook(focus);
  renderCase(focus);
  renderNext(focus);

  const last = view ? view.last_hammer : null;
  setText("rostrum-last", last
    ? `Dernière adjudication : lot ${last.label}, ${euros(last.amount_cents)}, panneau ${last.paddle}` : "");

  const wanted = focus ? focus.lot.id : null;
  if (view && wanted !== bookLot) refreshBook(wanted);
}

const fetchBook = bookFetcher(root.dataset.book);

async function refreshBook(lotId) {
  bookLot = lotId;
  const answer = await fetchBook();
  if (answer === null) return;   // a later request was made: its answer counts
  if (answer.requests) {
    book = answer.requests;
    $("rostrum-alert").hidden = true;
    render();
    return;
  }
  bookLot = undefined;      // asked again at the next update
  showAlert(answer.expired
    ? "Session expirée : ordres d'achat et lignes téléphoniques non actualisés. Reconnectez-vous."
    : "Ordres d'achat et lignes téléphoniques non actualisés : la liste affichée peut être incomplète.");
}

function showAlert(text) {
  setText("rostrum-alert", text);
  $("rostrum-alert").hidden = false;
}

const socket = new RoomSocket(socketUrl(root.dataset.socket), {
  onUpdate({ state, results: latest, event }) {
    view = state;
    results = latest;
    if (!event) bookLot = undefined;     // a fresh snapshot (a reconnection): the book is asked again
    render();
  },
  onConnection(status) {
    const indicator = $("connection-state");
    indicator.dataset.state = status;
    setText("connection-text", CONNECTION_TEXT[status]);
    root.dataset.connection = status;
    // Once connected, a lost connection greys the amounts out: they may be stale.
    if (status === "connected") seenLive = true;
    root.dataset.stale = seenLive && status !== "connected" ? "true" : "false";
  },
  onNotice({ message }) {
    showAlert(message);
  },
  onPresence({ online_bidders: count }) {
    setText("rostrum-online", `En ligne : ${count} enchérisseur${count > 1 ? "s" : ""}`);
  },
});

window.crieeRoom = socket;   // for the browser console and the browser tests
socket.start();
