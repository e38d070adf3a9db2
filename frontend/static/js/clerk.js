// The clerk's tablet: conducts the sale through the staff socket (docs/protocol.md).
import { cameraAvailable, scanCard } from "./card-camera.js";
import { CALL_LABELS, RoomSocket, SOURCE_LABELS, euros, openingOf, parseEuros, socketUrl } from "./room-socket.js";

const root = document.getElementById("clerk");
const $ = (id) => document.getElementById(id);
const isOfficer = root.dataset.userRole === "officer";
const MAX_PADDLE_DIGITS = 6;

const STATUS_LABELS = {
  ready: "Vente pas encore ouverte",
  open: "Vente ouverte",
  paused: "Vente suspendue",
  stopped: "Vente arrêtée",
  adjourned: "Séance close",
  closed: "Vente close",
};
const CONNECTION_LABELS = { connecting: "Reconnexion…", connected: "Connecté", disconnected: "Hors ligne" };

// The catalogue, from the page (catalogue order).
const lotRows = Array.from(document.querySelectorAll("#lot-list .lot-row"));
const lots = new Map(lotRows.map((row) => [Number(row.dataset.lotId), {
  id: Number(row.dataset.lotId),
  caseId: Number(row.dataset.caseId),
  label: row.dataset.label,
  title: row.dataset.title,
  opening: Number(row.dataset.opening),
  low: Number(row.dataset.low),
  high: Number(row.dataset.high),
  withdrawn: row.dataset.withdrawn === "true",
  photo: row.dataset.photo || null,
  alt: row.dataset.alt || "",
  row,
}]));

// Absentee orders and phone requests of the sale's verified paddles: from the page, then fetched
// again each time a lot opens (refreshBook), since the desk takes some during the sale.
let bidRequests = JSON.parse($("bid-requests").textContent);

const ui = {
  view: null,          // the staff view of the room (docs/protocol.md, "The state view")
  results: {},
  connection: "connecting",
  paddle: "",
  source: "room",
  phoneLine: null,     // the paddle of the phone bidder the clerk is on the line with
  onlineBidders: 0,
  busy: false,         // a command is waiting for its ack: what is asked meanwhile waits in `queue`
  hammerSnapshot: null,
};

// Commands asked for from the keyboard while one is in flight: sent after it, in order, or refused
// with a message (never silently dropped). A bid keeps the paddle typed when Enter was pressed.
const queue = [];
const MAX_QUEUED = 3;

const socket = new RoomSocket(socketUrl(root.dataset.socket), {
  onUpdate({ state, results }) {
    const before = ui.view && ui.view.lot ? ui.view.lot.id : null;
    const after = state && state.lot ? state.lot.id : null;
    if (ui.view && before !== after) {   // a paddle typed, a line taken, for the previous lot
      ui.paddle = "";
      ui.source = "room";
      ui.phoneLine = null;
      if (after !== null) refreshBook();   // a lot opened (or re-offered): its orders and lines as of now
    }
    ui.view = state;
    ui.results = results;
    root.dataset.state = "ready";
    render();
  },
  onConnection(status) {
    ui.connection = status;
    render();
  },
  onNotice(error) {
    showError(error);
  },
  onPresence({ online_bidders: count }) {
    ui.onlineBidders = count;
    render();
  },
});

// --- rendering -------------------------------------------------------------------------------

function setHidden(element, hidden) {
  element.hidden = hidden;
}

function render() {
  const v = ui.view;
  const online = ui.connection === "connected";
  const can = online && !ui.busy && v !== null;
  const status = v ? v.status : null;
  const lot = v ? v.lot : null;
  const bid = v ? v.current_bid : null;
  const running = status === "open";

  // Connection.
  const badge = $("connection-state");
  badge.dataset.state = ui.connection;
  badge.textContent = v === null && ui.connection === "connecting" ? "Connexion…" : CONNECTION_LABELS[ui.connection];
  root.classList.toggle("is-offline", !online);
  const n = ui.onlineBidders;
  $("online-bidders").textContent = `En ligne : ${n} enchérisseur${n > 1 ? "s" : ""} connecté${n > 1 ? "s" : ""}`;
  root.setAttribute("aria-busy", ui.busy ? "true" : "false");

  // Sale.
  const saleStatus = $("sale-status");
  saleStatus.dataset.status = status || "";
  saleStatus.textContent = status ? STATUS_LABELS[status] || status : "Chargement…";
  $("lots-progress").textContent = v ? `${v.lots_sold} lot${v.lots_sold > 1 ? "s" : ""} adjugé${v.lots_sold > 1 ? "s" : ""} sur ${v.lots_total}` : "";
  const openSale = $("open-sale");
  setHidden(openSale, status !== "ready");
  openSale.disabled = !can || status !== "ready";
  const pause = $("pause-sale");
  setHidden(pause, status !== "open" && status !== "paused");
  pause.textContent = status === "paused" ? "Reprendre" : "Suspendre";
  pause.classList.toggle("primary", status === "paused");   // paused: resuming is the one thing to do
  pause.disabled = !can;
  root.dataset.paused = status === "paused" ? "true" : "false";
  const inSession = status === "open" || status === "paused" || status === "stopped";
  const closeSale = $("close-sale");
  setHidden(closeSale, !inSession && status !== "adjourned");
  closeSale.disabled = !can || lot !== null;
  const announce = $("announce");
  setHidden(announce, !inSession);
  announce.disabled = !can;
  const closeSession = $("close-session");
  setHidden(closeSession, !isOfficer || !inSession);
  closeSession.disabled = !can || lot !== null;
  closeSession.textContent = v ? `Clore la séance n° ${v.session}` : "Clore la séance";
  const openSession = $("open-session");
  setHidden(openSession, status !== "adjourned");
  openSession.disabled = !can;
  const said = $("last-announcement");
  said.hidden = !(v && v.announcement);
  if (v && v.announcement) said.textContent = `Annonce : ${v.announcement.text}`;

  // The lot on the block.
  setHidden($("current-lot"), !lot);
  setHidden($("bid-box"), !lot);
  setHidden($("lot-actions"), !lot);
  setHidden($("bids"), !lot);
  setHidden($("lot-picker"), !!lot);
  if (lot) renderLot(lot, v, can && running);
  renderPicker(v, can && running && !lot);
  renderDefaults(v, can && running && !lot);
  renderCases(v);
  renderEntry(v, can && running && !!lot);
  renderBook(v, can && running && !!lot);
  renderHammerDialogGuard(bid, lot);
}

function renderLot(lot, v, active) {
  const info = lots.get(lot.id);
  const photo = $("current-lot-photo");
  const src = lot.photo ? `/medias/${lot.photo}` : "";
  if (photo.getAttribute("src") !== src) photo.setAttribute("src", src);
  photo.alt = info ? info.alt : `Photo du lot ${lot.label}`;
  photo.hidden = !lot.photo;
  $("current-lot-label").textContent = `Lot ${lot.label}`;
  $("current-lot-title").textContent = lot.title;
  $("current-lot-opening").textContent = euros(lot.opening_bid_cents);
  $("current-lot-estimate").textContent = info ? ` · Estimation ${euros(info.low)} – ${euros(info.high)}` : "";

  const bid = v.current_bid;
  const opening = openingOf(lot);
  $("current-caption").textContent = bid ? "Enchère en cours" : opening.caption;
  $("current-amount").textContent = euros(bid ? bid.amount_cents : opening.cents);
  $("current-amount").dataset.hasBid = bid ? "true" : "false";
  const leader = $("leader");
  leader.replaceChildren();
  if (bid) {
    const strong = document.createElement("strong");
    strong.id = "leader-paddle";
    strong.textContent = `Panneau ${bid.paddle}`;
    leader.append(strong);
    if (bid.source && bid.source !== "room") leader.append(` (${SOURCE_LABELS[bid.source] || bid.source})`);
    if (v.leader) {
      const name = document.createElement("span");
      name.id = "leader-name";
      name.className = "leader-name";
      name.textContent = v.leader.name;
      const address = document.createElement("span");
      address.id = "leader-address";
      address.className = "leader-address";
      address.textContent = v.leader.address;
      leader.append(name, address);
    }
  } else {
    const none = document.createElement("span");
    none.className = "muted";
    none.textContent = "Aucune enchère";
    leader.append(none);
  }
  $("next-minimum").textContent = euros(v.next_minimum_cents);

  // Calls.
  for (const item of document.querySelectorAll("#calls-progress li")) {
    const done = Number(item.dataset.call) <= v.calls;
    item.classList.toggle("done", done);
    item.setAttribute("aria-label", `${item.textContent} ${done ? "faite" : "à faire"}`);
  }
  const call = $("call-button");
  call.textContent = v.calls >= 3 ? "Criées faites" : CALL_LABELS[v.calls];
  call.disabled = !active || !bid || v.calls >= 3;
  $("retract-bid").disabled = !active || !bid;
  // CPCE R221-38: the hammer falls after the third call, for everyone (the officer included).
  const hammerButton = $("hammer-button");
  hammerButton.disabled = !active || !bid || v.calls < 3;
  hammerButton.title = bid && v.calls < 3
    ? `Adjudication après la troisième criée (CPCE R221-38) : ${v.calls} sur 3.` : "";
  $("pass-button").disabled = !active || !!bid;
  setHidden($("withdraw-button"), !isOfficer);
  $("withdraw-button").disabled = !active;

  // Bids, newest first.
  const rows = (v.bids || []).slice().reverse().map((b, index) => {
    const tr = document.createElement("tr");
    if (index === 0) tr.className = "leading";
    for (const [text, cls] of [[`Panneau ${b.paddle}`, ""], [euros(b.amount_cents), "num"],
      [SOURCE_LABELS[b.source] || b.source, ""]]) {
      const td = document.createElement("td");
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 3;
    td.className = "muted";
    td.textContent = "Pas encore d'enchère sur ce lot.";
    tr.append(td);
    rows.push(tr);
  }
  $("bid-list").replaceChildren(...rows);
}

function outcomeText(lot, result, v, covered) {
  if (v && v.lot && v.lot.id === lot.id) return "En vente";
  if (result && result.sold) return `Adjugé ${euros(result.amount_cents)} au panneau ${result.paddle}`;
  if (result && result.withdrawn) return "Retiré en cours de vente";
  if (lot.withdrawn) return "Retiré";
  const stop = covered.has(lot.caseId) ? "Seuil d'arrêt atteint" : "";
  if (result) return stop ? `Invendu · ${stop}` : "Invendu";
  return stop;
}

function nextLot() {
  for (const lot of lots.values()) {
    if (!lot.withdrawn && !(String(lot.id) in ui.results)) return lot;   // withdrawn on the block: in results
  }
  return null;
}

function renderPicker(v, active) {
  const covered = new Set(((v && v.cases) || []).filter((c) => c.covered).map((c) => c.id));
  for (const lot of lots.values()) {
    const result = ui.results[String(lot.id)];
    const row = lot.row;
    row.querySelector(".lot-row-outcome").textContent = outcomeText(lot, result, v, covered);
    row.classList.toggle("case-covered", covered.has(lot.caseId) && !(result && result.sold));
    row.dataset.outcome = result ? (result.sold ? "sold" : "passed") : (lot.withdrawn ? "withdrawn" : "");
    row.querySelector(".open-lot").disabled = !active || lot.withdrawn || !!(result && (result.sold || result.withdrawn));
  }
  const next = nextLot();
  const button = $("next-lot");
  button.disabled = !active || !next;
  button.textContent = next ? `Lot suivant (${next.label})` : "Lot suivant";
  const last = $("last-result");
  const hammer = v ? v.last_hammer : null;
  last.hidden = !hammer;
  if (hammer) {
    last.replaceChildren(`Dernière adjudication : lot ${hammer.label}, ${euros(hammer.amount_cents)} au panneau ${hammer.paddle}. `);
    const reoffer = document.createElement("button");
    reoffer.type = "button";
    reoffer.className = "touch quiet";
    reoffer.id = "reoffer-lot";
    reoffer.textContent = "Remettre en vente (contestation)";
    reoffer.disabled = !active;
    reoffer.addEventListener("click", () => reofferLot(hammer));
    last.append(reoffer);
  }
}

// Lots whose buyer defaulted (default declared): each may be put up again (réitération des enchères).
function renderDefaults(v, active) {
  const entries = (v && v.in_default) || [];
  $("lots-in-default").hidden = entries.length === 0;
  $("default-list").replaceChildren(...entries.map((entry) => {
    const li = document.createElement("li");
    li.className = "default-row";
    li.dataset.lotId = entry.lot_id;
    li.append(`Lot ${entry.label} · ${entry.title} · adjugé ${euros(entry.first_hammer_cents)} au panneau `
      + `${entry.paddle}, en défaut de paiement `);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "touch put-up-again";
    button.dataset.action = "";
    button.textContent = "Remettre en vente (réitération)";
    button.setAttribute("aria-label", `Remettre en vente le lot ${entry.label} sur réitération des enchères`);
    button.disabled = !active;
    button.addEventListener("click", () => putUpAgain(entry));
    li.append(button);
    return li;
  }));
}

function putUpAgain(entry) {
  askConfirm({
    title: `Remettre en vente le lot ${entry.label} ?`,
    text: `Le panneau ${entry.paddle} n'a pas payé : le lot est remis en vente sur réitération des enchères `
      + `(CPCE R221-38). Le défaillant reste tenu de la différence de prix et des frais.`,
    confirm: "Remettre en vente",
  }).then((ok) => ok && run("put_up_again", { lot_id: entry.lot_id },
    { success: `Lot ${entry.label} remis en vente sur réitération des enchères.` }));
}

function renderCases(v) {
  const items = ((v && v.cases) || []).map((c) => {
    const li = document.createElement("li");
    li.className = c.covered ? "case covered" : "case";
    li.dataset.caseId = c.id;
    const head = document.createElement("p");
    const ref = document.createElement("strong");
    ref.textContent = c.reference;
    head.append(ref, ` : produit net ${euros(c.net_proceeds_cents)} sur ${euros(c.claims_cents)} de créances`);
    const meter = document.createElement("progress");
    meter.max = Math.max(1, c.claims_cents);
    meter.value = Math.min(c.net_proceeds_cents, meter.max);
    meter.setAttribute("aria-label", `Produit net du dossier ${c.reference} par rapport aux créances`);
    li.append(head, meter);
    if (c.claims_note) {
      // A legal rate not entered yet: the threshold leaves that interest out, and says so (CMF L313-3).
      const note = document.createElement("p");
      note.className = "case-note";
      note.textContent = c.claims_note;
      li.append(note);
    }
    if (c.covered) {
      const warn = document.createElement("p");
      warn.className = "case-warning";
      warn.textContent = "Créances couvertes : la vente des lots de ce dossier doit s'arrêter. "
        + "Seul le commissaire de justice peut poursuivre, avec un motif.";
      li.append(warn);
    }
    return li;
  });
  $("case-list").replaceChildren(...items);
  $("cases").hidden = items.length === 0;
}

function renderEntry(v, active) {
  const paused = !!v && v.status === "paused";
  for (const key of document.querySelectorAll("#keypad .key, .sources .source")) key.disabled = paused;
  $("custom-amount").disabled = paused;
  $("keypad").setAttribute("aria-disabled", paused ? "true" : "false");
  const display = $("paddle-display");
  display.textContent = ui.paddle || "—";
  display.dataset.empty = ui.paddle ? "false" : "true";
  for (const button of document.querySelectorAll(".source")) {
    button.setAttribute("aria-checked", button.dataset.source === ui.source ? "true" : "false");
  }
  const bidNext = $("bid-next");
  const minimum = v && v.lot ? v.next_minimum_cents : null;
  bidNext.replaceChildren();
  const amount = document.createElement("span");
  amount.className = "bid-next-amount";
  amount.textContent = minimum !== null ? `Enchère à ${euros(minimum)}` : "Enchère";
  const who = document.createElement("span");
  who.className = "bid-next-paddle";
  who.textContent = ui.paddle ? `panneau ${ui.paddle}${ui.source === "phone" ? " (téléphone)" : ""}`
    : "tapez le numéro du panneau";
  bidNext.append(amount, who);
  bidNext.disabled = !active || !ui.paddle || minimum === null;
  $("bid-custom").disabled = !active || !ui.paddle;
}

function renderBook(v, active) {
  const lotId = v && v.lot ? v.lot.id : null;
  const phones = bidRequests.filter((r) => r.kind === "phone" && r.lot_id === lotId);
  const orders = bidRequests.filter((r) => r.kind === "absentee" && r.lot_id === lotId);
  $("phone-lines").hidden = lotId === null || (phones.length === 0 && ui.phoneLine === null);
  $("lot-orders").hidden = orders.length === 0;

  const activeLine = $("phone-line-active");
  activeLine.hidden = ui.phoneLine === null;
  activeLine.replaceChildren();
  if (ui.phoneLine !== null) {
    const request = phones.find((r) => r.paddle === ui.phoneLine);
    activeLine.append(`En ligne avec le panneau ${ui.phoneLine}${request ? ` (${request.name})` : ""}`);
    const release = document.createElement("button");
    release.type = "button";
    release.className = "touch quiet";
    release.id = "release-line";
    release.textContent = "Libérer la ligne";
    release.addEventListener("click", () => {
      ui.phoneLine = null;
      ui.paddle = "";
      ui.source = "room";
      render();
    });
    activeLine.append(release);
  }
  $("phone-list").replaceChildren(...phones.map((r) => {
    const li = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = `Panneau ${r.paddle} · ${r.name} · ${r.phone}`;
    const take = document.createElement("button");
    take.type = "button";
    take.className = "touch";
    take.textContent = ui.phoneLine === r.paddle ? "Ligne prise" : "Prendre la ligne";
    take.setAttribute("aria-label", `Prendre la ligne du panneau ${r.paddle}`);
    take.disabled = !active || r.blocked || ui.phoneLine === r.paddle;
    take.addEventListener("click", () => {
      ui.phoneLine = r.paddle;
      ui.paddle = String(r.paddle);
      ui.source = "phone";
      notify(`Ligne téléphonique : panneau ${r.paddle} (${r.name}, ${r.phone}).`);
      render();
    });
    li.append(text, take);
    return li;
  }));
  $("order-list").replaceChildren(...orders.map((r) => {
    const li = document.createElement("li");
    li.textContent = `Ordre d'achat, panneau ${r.paddle} (${r.name}) : jusqu'à ${euros(r.max_amount_cents)}`;
    return li;
  }));
}

function renderHammerDialogGuard(bid, lot) {
  const dialog = $("hammer-dialog");
  const snap = ui.hammerSnapshot;
  if (!dialog.open || !snap) return;
  if (!bid || !lot || lot.id !== snap.lotId || bid.amount_cents !== snap.amount || bid.paddle !== snap.paddle) {
    dialog.close("changed");
    showError({ message: "L'enchère a changé pendant la confirmation : vérifiez avant d'adjuger." });
  }
}

// --- the order book --------------------------------------------------------------------------

let bookRequests = 0;   // the answer to the latest request only: an older one may arrive last

async function refreshBook() {
  const asked = ++bookRequests;
  let answer = null;
  let status = 0;
  try {
    const response = await fetch(root.dataset.book, {
      credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" },
    });
    status = response.redirected ? 401 : response.status;   // an expired session ends on the login page
    const type = response.headers.get("content-type") || "";
    answer = response.ok && !response.redirected && type.includes("application/json") ? await response.json() : null;
  } catch (error) {
    answer = null;
  }
  if (asked !== bookRequests) return;
  if (answer && Array.isArray(answer.bid_requests)) {
    bidRequests = answer.bid_requests;
    render();
    return;
  }
  showError({
    message: status === 401 || status === 403
      ? "Session expirée : les ordres d'achat et lignes téléphoniques affichés datent du chargement de la page. Reconnectez-vous."
      : "Ordres d'achat et lignes téléphoniques non actualisés : la liste affichée peut être incomplète.",
  }, { label: "Actualiser la liste", run: refreshBook });
}

// --- messages --------------------------------------------------------------------------------

let alertAction = null;

function showError(error, action = null) {
  $("room-alert-text").textContent = error.message || "L'action a échoué.";
  const button = $("room-alert-action");
  alertAction = action;
  button.hidden = !action;
  if (action) button.textContent = action.label;
  $("room-alert").hidden = false;
}

function clearError() {
  $("room-alert").hidden = true;
  $("room-alert-text").textContent = "";
  alertAction = null;
}

function notify(text) {
  $("room-notice").textContent = text;
}

$("room-alert-close").addEventListener("click", clearError);
$("room-alert-action").addEventListener("click", () => {
  const action = alertAction;
  clearError();
  if (action) action.run();
});

// --- commands --------------------------------------------------------------------------------

async function run(name, args = {}, { success } = {}) {
  if (ui.busy) {
    showError({ message: "Commande précédente en cours : celle-ci n'a pas été envoyée, recommencez." });
    return null;
  }
  ui.busy = true;
  const answer = socket.sendCommand(name, args);   // on the wire before the screen redraws: a bid
  render();                                        // racing an online bid must not wait for layout
  try {
    const ack = await answer;
    clearError();
    if (success) notify(success);
    return ack;
  } catch (error) {
    showError(error, overrideFor(error, name, args));
    return null;
  } finally {
    ui.busy = false;
    render();
    setTimeout(drainQueue, 0);   // after the caller's own follow-up (a bid clears its paddle)
  }
}

/** Run `action` now, or once the command in flight is answered. `action` returns false when it
 * could not be done (then the clerk is told so). */
function whenFree(label, action) {
  if (!ui.busy && queue.length === 0) {
    if (action() === false) showError({ message: `${label} : impossible maintenant.` });
    return;
  }
  if (queue.length >= MAX_QUEUED) {
    showError({ message: `${label} refusé : ${queue.length} commandes attendent déjà.` });
    return;
  }
  queue.push({ label, action });
  notify(`${label} : en attente, envoyé dès la réponse à la commande en cours.`);
  renderQueue();
}

function drainQueue() {
  if (ui.busy) return;
  const next = queue.shift();
  renderQueue();
  if (!next) return;
  if (next.action() === false) {
    showError({ message: `${next.label} non envoyé : la salle a changé entre-temps (${queue.length ? "les suivants aussi vérifiés" : "vérifiez"}).` });
    setTimeout(drainQueue, 0);
  }
}

function renderQueue() {
  const badge = $("queued");
  badge.hidden = queue.length === 0;
  badge.textContent = queue.length === 1 ? "1 commande en attente" : `${queue.length} commandes en attente`;
}

/** The officer's way past a refusal, when the law allows one (with a written reason). */
function overrideFor(error, name, args) {
  if (!isOfficer) return null;
  if (error.code === "stop_rule_reached" && (name === "open_lot" || name === "put_up_again")) {
    return {
      label: "Ouvrir quand même (motif)",
      run: () => askReason({
        title: "Poursuivre au-delà du seuil d'arrêt",
        text: "Le produit de ce dossier couvre déjà les créances (CPCE L221-4). Indiquez pourquoi la vente de ce lot se poursuit.",
        confirm: "Ouvrir le lot",
      }).then((reason) => reason && run(name, { ...args, override_stop_rule: true, reason })),
    };
  }
  return null;
}

function openLot(lot) {
  run("open_lot", { lot_id: lot.id });
}

function bidAt(amountCents, typed = ui.paddle, source = ui.source) {
  const paddle = Number(typed);
  if (!typed || !Number.isInteger(paddle)) {
    showError({ message: "Tapez d'abord le numéro du panneau." });
    return;
  }
  const current = ui.view && ui.view.current_bid;
  // The bid names the bid it covers: if another (online, another tablet) took this step first,
  // the server answers "outbid" with the amount to beat instead of recording a bid nobody saw.
  run("bid", { paddle, amount_cents: amountCents, source, expected_bid_seq: current ? current.seq : null },
    { success: `Enchère de ${euros(amountCents)} enregistrée pour le panneau ${paddle}${source === "phone" ? " (téléphone)" : ""}.` })
    .then((ack) => {
      if (ack) {
        // The paddle is cleared for the next bidder, unless another was typed meanwhile. A phone line
        // stays held across room bids: the entry goes back to it until the clerk releases it.
        if (ui.paddle === typed) {
          ui.paddle = ui.phoneLine !== null ? String(ui.phoneLine) : "";
          ui.source = ui.phoneLine !== null ? "phone" : "room";
        }
        $("custom-amount").value = "";
        render();
      } else if (!ui.paddle || (ui.phoneLine !== null && ui.paddle === String(ui.phoneLine) && typed !== ui.paddle)) {
        ui.paddle = typed;   // refused: the paddle comes back, unless another was typed since
        ui.source = source;
        render();
      }
    });
}

function bidNext() {
  const v = ui.view;
  if (!v || !v.lot || $("bid-next").disabled) return;
  bidAt(v.next_minimum_cents);
}

/** Enter: the bid at the next minimum for the paddle typed now, sent at once or after the command in
 * flight (then at the next minimum of that moment, still naming the bid it covers). */
function enterBid() {
  const v = ui.view;
  if (!ui.paddle) {
    showError({ message: "Tapez d'abord le numéro du panneau." });
    return;
  }
  if (v && v.status === "paused") {
    showError({ message: "Vente suspendue : reprenez la vente avant d'enregistrer une enchère." });
    return;
  }
  const typed = ui.paddle;
  const source = ui.source;
  // The entry is free at once for the next bidder (the phone line's paddle if one is held): digits
  // typed while this bid is in flight make the next paddle, not a longer number.
  ui.paddle = ui.phoneLine !== null ? String(ui.phoneLine) : "";
  ui.source = ui.phoneLine !== null ? "phone" : "room";
  render();
  whenFree(`Enchère du panneau ${typed}`, () => {
    const now = ui.view;
    if (!now || !now.lot || now.status !== "open" || ui.connection !== "connected") {
      if (!ui.paddle || ui.paddle === String(ui.phoneLine)) {   // not sent: the paddle comes back
        ui.paddle = typed;
        ui.source = source;
        render();
      }
      return false;
    }
    bidAt(now.next_minimum_cents, typed, source);
    return true;
  });
}

function bidCustom() {
  const v = ui.view;
  if (!v || !v.lot || $("bid-custom").disabled) return;
  const cents = parseEuros($("custom-amount").value);
  if (cents === null || cents <= 0) {
    showError({ message: "Montant illisible : écrivez par exemple 2 500 ou 2500,50." });
    return;
  }
  $("custom-amount").blur();   // back to the keyboard shortcuts
  const typed = ui.paddle;
  const source = ui.source;
  const unusual = unusualAmount(cents, v);
  if (unusual.length === 0) {
    bidAt(cents, typed, source);
    return;
  }
  askConfirm({
    title: `Enchère de ${euros(cents)} ?`,
    text: `Ce montant est ${unusual.join(", et ")}. Vérifiez-le avec l'enchérisseur (panneau ${typed}) avant de l'enregistrer.`,
    confirm: `Enregistrer ${euros(cents)}`,
  }).then((ok) => {
    if (ok) bidAt(cents, typed, source);
    else notify(`Enchère de ${euros(cents)} non enregistrée.`);
  });
}

/** The lot's increment grid from its current bid (or its first bid): the amounts next_minimum reaches. */
function stepAt(table, cents) {
  let step = table[0][1];
  for (const [start, rowStep] of table) {
    if (cents >= start) step = rowStep;
    else break;
  }
  return step;
}

/** Why a free amount needs a second look: far above the estimate or the bid, or off the grid. */
function unusualAmount(cents, v) {
  const reasons = [];
  const info = lots.get(v.lot.id);
  if (info && info.high > 0 && cents > 3 * info.high) {
    reasons.push(`plus de trois fois l'estimation haute (${euros(info.high)})`);
  }
  const table = v.increments;
  if (!Array.isArray(table) || table.length === 0) return reasons;
  const current = v.current_bid ? v.current_bid.amount_cents : null;
  const base = current !== null ? current : v.next_minimum_cents;   // no bid yet: from the first bid
  let tenth = base;
  for (let i = 0; i < 10; i += 1) tenth += stepAt(table, tenth);
  if (cents > tenth) {
    reasons.push(current !== null ? `plus de dix paliers au-dessus de l'enchère en cours (${euros(current)})`
      : `plus de dix paliers au-dessus de la mise à prix (${euros(base)})`);
  }
  let point = base;
  for (let i = 0; point < cents && i < 100000; i += 1) point += stepAt(table, point);
  // At or below the bid the server refuses the amount with its own message ("Enchère trop basse").
  if (cents > base && point !== cents) reasons.push(`hors des paliers de la vente (${euros(stepAt(table, base))} par palier ici)`);
  return reasons;
}

function retract() {
  if ($("retract-bid").disabled) return false;
  const current = ui.view && ui.view.current_bid;
  run("retract_bid", current ? { bid_seq: current.seq } : {}, { success: "Dernière enchère retirée." });
}

function call() {
  const v = ui.view;
  if (!v || $("call-button").disabled) return false;
  run("call", { number: v.calls + 1 }, { success: `${CALL_LABELS[v.calls]} faite.` });
}

function pass() {
  if ($("pass-button").disabled) return false;
  run("pass_lot", {}, { success: "Lot passé : invendu." });
}

function goNext() {
  const next = nextLot();
  if (!next || $("next-lot").disabled) return false;
  openLot(next);
  return true;
}

function hammer() {
  const v = ui.view;
  if (!v || !v.lot || !v.current_bid || v.calls < 3 || $("hammer-button").disabled) return false;
  const bid = v.current_bid;
  ui.hammerSnapshot = { lotId: v.lot.id, amount: bid.amount_cents, paddle: bid.paddle, seq: bid.seq };
  $("hammer-lot").textContent = v.lot.label;
  $("hammer-amount").textContent = euros(bid.amount_cents);
  $("hammer-paddle").textContent = String(bid.paddle);
  $("hammer-name").textContent = v.leader ? v.leader.name : "—";
  $("hammer-address").textContent = v.leader ? v.leader.address : "—";
  const dialog = $("hammer-dialog");
  dialog.returnValue = "";
  dialog.showModal();
  $("hammer-confirm").focus();
}

$("hammer-dialog").addEventListener("close", () => {
  const dialog = $("hammer-dialog");
  const snap = ui.hammerSnapshot;
  ui.hammerSnapshot = null;
  if (dialog.returnValue !== "confirm" || !snap) return;
  const v = ui.view;
  const bid = v && v.current_bid;
  if (!bid || !v.lot || v.lot.id !== snap.lotId || bid.amount_cents !== snap.amount || bid.paddle !== snap.paddle
      || v.calls < 3) {
    showError({ message: "L'enchère a changé pendant la confirmation : vérifiez avant d'adjuger." });
    return;
  }
  // The server refuses the hammer if another bid arrived since this confirmation (stale_command).
  run("hammer", { expected_bid_seq: snap.seq }, { success: `Lot ${v.lot.label} adjugé ${euros(snap.amount)} au panneau ${snap.paddle}.` });
});

/** Ask for a written reason in a dialog; resolves with it, or null when cancelled. */
function askReason({ title, text, confirm }) {
  const dialog = $("reason-dialog");
  $("reason-dialog-title").textContent = title;
  $("reason-dialog-text").textContent = text;
  $("reason-confirm").textContent = confirm;
  $("reason-input").value = "";
  $("reason-error").hidden = true;
  dialog.returnValue = "";
  dialog.showModal();
  $("reason-input").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const reason = $("reason-input").value.trim();
      resolve(dialog.returnValue === "confirm" && reason ? reason : null);
    }, { once: true });
  });
}

$("reason-input").addEventListener("input", () => { $("reason-error").hidden = true; });
$("reason-confirm").addEventListener("click", (event) => {
  if (!$("reason-input").value.trim()) {
    event.preventDefault();
    $("reason-error").hidden = false;
    $("reason-input").focus();
  }
});

function askConfirm({ title, text, confirm }) {
  const dialog = $("confirm-dialog");
  $("confirm-dialog-title").textContent = title;
  $("confirm-dialog-text").textContent = text;
  $("confirm-dialog-ok").textContent = confirm;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
  });
}

/** Jump to a lot by its number (L or # on the keyboard, or the picker's button): opens it. */
function askLotNumber() {
  const v = ui.view;
  if (v && v.lot) {
    showError({ message: `Le lot ${v.lot.label} est en vente : adjugez-le ou passez-le avant d'en ouvrir un autre.` });
    return;
  }
  const dialog = $("goto-dialog");
  $("goto-input").value = "";
  $("goto-error").hidden = true;
  dialog.returnValue = "";
  dialog.showModal();
  $("goto-input").focus();
}

$("goto-confirm").addEventListener("click", (event) => {
  const wanted = $("goto-input").value.trim().replace(/^lot\s*/i, "");
  const lot = Array.from(lots.values()).find((l) => l.label.toLowerCase() === wanted.toLowerCase());
  const row = lot ? lot.row.querySelector(".open-lot") : null;
  let problem = "";
  if (!wanted) problem = "Tapez le numéro du lot.";
  else if (!lot) problem = `Pas de lot n° ${wanted} dans cette vente.`;
  else if (row.disabled) problem = `Le lot ${lot.label} ne peut pas être ouvert (${lot.row.querySelector(".lot-row-outcome").textContent || "vente pas ouverte"}).`;
  if (problem) {
    event.preventDefault();
    $("goto-error").textContent = problem;
    $("goto-error").hidden = false;
    $("goto-input").focus();
    return;
  }
  $("goto-dialog").addEventListener("close", () => openLot(lot), { once: true });
});
$("goto-lot").addEventListener("click", askLotNumber);

function reofferLot(hammerInfo) {
  askReason({
    title: `Remettre en vente le lot ${hammerInfo.label}`,
    text: "Une contestation à l'adjudication permet de remettre aussitôt le lot aux enchères. Indiquez le motif.",
    confirm: "Remettre en vente",
  }).then((reason) => reason && run("reoffer_lot", { lot_id: hammerInfo.lot_id, reason },
    { success: `Lot ${hammerInfo.label} remis en vente.` }));
}

// --- paddle entry ----------------------------------------------------------------------------

function typeKey(key) {
  if (ui.view && ui.view.status === "paused") {
    showError({ message: "Vente suspendue : le pavé reprend avec la vente (Reprendre)." });
    return;
  }
  if (ui.phoneLine !== null && ui.source === "phone" && ui.paddle === String(ui.phoneLine)) {
    // A paddle typed while on the phone: a bidder in the room. The line stays held (released only by
    // the clerk); after the room bid the entry comes back to it.
    ui.paddle = "";
    ui.source = "room";
  }
  if (key === "back") ui.paddle = ui.paddle.slice(0, -1);
  else if (key === "clear") ui.paddle = "";
  else if (/^[0-9]$/.test(key) && ui.paddle.length < MAX_PADDLE_DIGITS) {
    ui.paddle = ui.paddle === "0" ? key : ui.paddle + key;
  }
  render();
}

$("keypad").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-key]");
  if (button) typeKey(button.dataset.key);
});

for (const button of document.querySelectorAll(".source")) {
  button.addEventListener("click", () => {
    ui.source = button.dataset.source;
    if (ui.source === "phone" && ui.phoneLine !== null) ui.paddle = String(ui.phoneLine);
    render();
  });
}

// A USB card scanner types the card's content then Enter: a paddle card's signed token, which the
// server checks (signature, sale, expiry, paddle still valid), or a bare paddle number typed by hand.
async function readCard(value) {
  if (/^\d{1,6}$/.test(value)) {
    ui.paddle = String(Number(value));
    notify(`Carte lue : panneau ${ui.paddle}.`);
    render();
    return;
  }
  let answer = null;
  try {
    const response = await fetch(root.dataset.cardReader, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": root.dataset.csrf },
      body: JSON.stringify({ token: value }),
    });
    const type = response.headers.get("content-type") || "";
    answer = type.includes("application/json") ? await response.json() : null;
    if (!response.ok || !answer || !Number.isInteger(answer.paddle)) {
      const fallback = response.status === 401 || response.status === 403
        ? "Session expirée : reconnectez-vous pour lire les cartes."
        : "Carte non reconnue : tapez le numéro du panneau.";
      showError({ message: (answer && answer.message) || fallback });
      return;
    }
  } catch (error) {
    showError({ message: "Lecture de la carte impossible (réseau) : tapez le numéro du panneau." });
    return;
  }
  clearError();
  ui.paddle = String(answer.paddle);
  notify(`Carte lue : panneau ${answer.paddle} (${answer.name}).`);
  render();
}

$("scan-input").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const input = event.currentTarget;
  const value = input.value.trim();
  input.value = "";
  if (value) readCard(value);
});

// The tablet's camera reads the card's QR code (card-camera.js), then the same check as a scanner.
const cameraButton = $("scan-camera");
if (cameraAvailable()) {
  cameraButton.hidden = false;
  cameraButton.addEventListener("click", async () => {
    try {
      const text = await scanCard($("camera-dialog"), $("camera-video"));
      if (text) readCard(text);
    } catch (error) {
      showError({ message: "Caméra indisponible : utilisez le lecteur ou tapez le numéro du panneau." });
    }
  });
}

// --- buttons ---------------------------------------------------------------------------------

$("open-sale").addEventListener("click", () => run("open_sale", {}, { success: "Vente ouverte." }));
$("pause-sale").addEventListener("click", () => {
  if (ui.view && ui.view.status === "paused") run("resume", {}, { success: "Vente reprise." });
  else run("pause", {}, { success: "Vente suspendue." });
});
$("close-sale").addEventListener("click", () => {
  askConfirm({
    title: "Clore la vente ?",
    text: "Plus aucun lot ne pourra être ouvert. Les lots non présentés resteront invendus.",
    confirm: "Clore la vente",
  }).then((ok) => ok && run("close_sale", {}, { success: "Vente close." }));
});
$("announce").addEventListener("click", () => {
  const dialog = $("announce-dialog");
  $("announce-input").value = "";
  $("announce-error").hidden = true;
  dialog.returnValue = "";
  dialog.showModal();
  $("announce-input").focus();
  dialog.addEventListener("close", () => {
    const text = $("announce-input").value.trim();
    if (dialog.returnValue === "confirm" && text) run("announce", { text }, { success: "Annonce enregistrée." });
  }, { once: true });
});
$("announce-confirm").addEventListener("click", (event) => {
  if (!$("announce-input").value.trim()) {
    event.preventDefault();
    $("announce-error").hidden = false;
  }
});
$("close-session").addEventListener("click", () => {
  const number = ui.view ? ui.view.session : "";
  askConfirm({
    title: `Clore la séance n° ${number} ?`,
    text: "Sa partie du procès-verbal est alors arrêtée et ne change plus : il reste à la signer.",
    confirm: "Clore la séance",
  }).then((ok) => ok && run("close_session", {}, { success: `Séance n° ${number} close.` }));
});
$("open-session").addEventListener("click", () => run("open_session", {}, { success: "Séance ouverte." }));
$("withdraw-button").addEventListener("click", () => {
  const v = ui.view;
  if (!v || !v.lot) return;
  const bid = v.current_bid;
  askReason({
    title: `Retirer le lot ${v.lot.label} de la vente`,
    text: bid ? `La dernière enchère (${euros(bid.amount_cents)}, panneau ${bid.paddle}) est inscrite au procès-verbal.`
      : "Le lot est retiré sans enchère.",
    confirm: "Retirer le lot",
  }).then((reason) => reason && run("withdraw_lot", { reason, expected_bid_seq: bid ? bid.seq : null },
    { success: `Lot ${v.lot.label} retiré.` }));
});
$("next-lot").addEventListener("click", goNext);
$("lot-list").addEventListener("click", (event) => {
  const button = event.target.closest(".open-lot");
  if (!button || button.disabled) return;
  const lot = lots.get(Number(button.closest(".lot-row").dataset.lotId));
  if (lot) openLot(lot);
});
$("bid-next").addEventListener("click", bidNext);
$("custom-bid").addEventListener("submit", (event) => {
  event.preventDefault();
  bidCustom();
});
$("retract-bid").addEventListener("click", retract);
$("call-button").addEventListener("click", call);
$("hammer-button").addEventListener("click", hammer);
$("pass-button").addEventListener("click", pass);

// A tap must not leave the focus on the button, so that Enter stays "bid" on a laptop.
root.addEventListener("mousedown", (event) => {
  if (event.target.closest("button.touch") && !event.target.closest("dialog")) event.preventDefault();
});

// --- keyboard shortcuts (laptop) -------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  if (document.querySelector("dialog[open]")) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const onButton = target.closest && target.closest("button, a");
  const key = event.key;
  if (/^[0-9]$/.test(key)) {
    event.preventDefault();
    typeKey(key);
    return;
  }
  switch (key) {
    case "Backspace":
      event.preventDefault();
      typeKey("back");
      return;
    case "Delete":
    case "Escape":
      typeKey("clear");
      return;
    case "Enter":
      // Enter on a focused button (keyboard navigation) keeps its usual meaning.
      if (onButton && !target.closest("#keypad") && target.id !== "bid-next") return;
      event.preventDefault();
      enterBid();
      return;
    default:
      break;
  }
  if (key.toLowerCase() === "l" || key === "#") {
    event.preventDefault();
    askLotNumber();
    return;
  }
  const shortcuts = {
    r: ["Retrait de l'enchère", retract], c: ["Criée", call], a: ["Adjudication", hammer],
    p: ["Passer le lot", pass], n: ["Lot suivant", goNext],
  };
  const entry = shortcuts[key.toLowerCase()];
  if (entry && key.length === 1) {
    event.preventDefault();
    const [label, action] = entry;
    whenFree(label, () => action() !== false);
  }
});

render();
window.crieeRoom = socket;   // for the browser console and the browser tests
socket.start();
