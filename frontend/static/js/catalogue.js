// The public catalogue during the live sale: each listed lot's state (à venir, en vente, adjugé,
// invendu, retiré) follows the room through the public socket, folded as the server folds the bid log
// (auction/domain/lot_states.py), and the way to the live page comes first once the room is open.
// Loaded only while the page follows the room (the live sale, or an announced sale on its day).
import { RoomSocket, euros, socketUrl } from "./room-socket.js";

const list = document.querySelector("[data-live-socket]");
const banner = document.getElementById("live-banner");
const BIDDING = new Set(["open", "paused"]);
const ROOM_OPEN = new Set(["open", "paused", "adjourned"]);
const OVER = new Set(["closed", "stopped"]);

/** The lot's state and its label, from the room's public view and the concluded lots' results. */
function stateOf(item, view, results) {
  const id = Number(item.dataset.lot);
  const result = results[String(id)];
  if (result) {
    if (result.withdrawn) return ["withdrawn", "Retiré de la vente"];
    return result.sold ? ["sold", `Adjugé ${euros(result.amount_cents)}`] : ["unsold", "Invendu"];
  }
  if (item.dataset.withdrawn === "true") return ["withdrawn", "Retiré de la vente"];
  if (view && view.lot && view.lot.id === id && BIDDING.has(view.status)) return ["on_block", "En vente"];
  return ["upcoming", "À venir"];
}

function render({ state: view, results }) {
  if (banner) banner.hidden = !(view && ROOM_OPEN.has(view.status));
  for (const item of list.querySelectorAll("li[data-lot]")) {
    const badge = item.querySelector(".lot-state .state");
    if (!badge) continue;
    const [state, label] = stateOf(item, view, results);
    if (badge.dataset.state !== state || badge.textContent !== label) {
      badge.dataset.state = state;
      badge.textContent = label;
    }
    item.classList.toggle("withdrawn", state === "withdrawn");
  }
  list.dataset.roomStatus = view ? view.status : "";
}

if (list) {
  const socket = new RoomSocket(socketUrl(list.dataset.liveSocket), {
    onUpdate(update) {
      render(update);
      // After the sale the states stay as they are: nothing more will change them.
      if (update.state && OVER.has(update.state.status)) socket.stop();
    },
  });
  socket.start();
}
