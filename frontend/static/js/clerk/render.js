// The clerk's tablet: the room's state on screen (connection, sale, the lot on the block, its bids,
// the cases' thresholds); the other parts draw themselves from render().
import { CALL_LABELS, SOURCE_LABELS, euros, openingOf } from "../room-socket.js";
import { renderBook } from "./book.js";
import { renderEntry } from "./entry.js";
import { renderHammerDialogGuard } from "./lot-actions.js";
import { renderDefaults, renderPicker } from "./lot-picker.js";
import { $, isOfficer, lots, root, ui } from "./state.js";

const STATUS_LABELS = {
  ready: "Vente pas encore ouverte",
  open: "Vente ouverte",
  paused: "Vente suspendue",
  stopped: "Vente arrêtée",
  adjourned: "Séance close",
  closed: "Vente close",
};
const CONNECTION_LABELS = { connecting: "Reconnexion…", connected: "Connecté", disconnected: "Hors ligne" };

function setHidden(element, hidden) {
  element.hidden = hidden;
}

export function render() {
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
