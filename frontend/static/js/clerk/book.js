// The clerk's tablet: the lot's absentee orders and phone lines (the book), and the phone line held.
import { bookFetcher } from "../room-book.js";
import { euros } from "../room-socket.js";
import { resetEntry } from "./entry.js";
import { notify, showError } from "./messages.js";
import { render } from "./render.js";
import { $, root, ui } from "./state.js";

// Absentee orders and phone requests of the sale's verified paddles: from the page, then fetched
// again each time a lot opens (refreshBook), since the desk takes some during the sale.
let bidRequests = JSON.parse($("bid-requests").textContent);

const fetchBook = bookFetcher(root.dataset.book);

export async function refreshBook() {
  const book = await fetchBook();
  if (book === null) return;   // a later request was made: its answer counts
  if (book.requests) {
    bidRequests = book.requests;
    render();
    return;
  }
  showError({
    message: book.expired
      ? "Session expirée : les ordres d'achat et lignes téléphoniques affichés datent du chargement de la page. Reconnectez-vous."
      : "Ordres d'achat et lignes téléphoniques non actualisés : la liste affichée peut être incomplète.",
  }, { label: "Actualiser la liste", run: refreshBook });
}

export function renderBook(v, active) {
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
    activeLine.append(`Au téléphone avec le panneau ${ui.phoneLine}${request ? ` (${request.name})` : ""}`);
    const release = document.createElement("button");
    release.type = "button";
    release.className = "touch quiet";
    release.id = "release-line";
    release.textContent = "Libérer la ligne";
    release.addEventListener("click", () => {
      ui.phoneLine = null;
      resetEntry();
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
      ui.retry = false;
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
