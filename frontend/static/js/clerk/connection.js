// The clerk's tablet: its staff socket (room-socket.js: hello, catch-up, reconnection) and what each
// of the socket's news does to the screen.
import { RoomSocket, socketUrl } from "../room-socket.js";
import { refreshBook } from "./book.js";
import { clearAmount, resetEntry } from "./entry.js";
import { showError } from "./messages.js";
import { render } from "./render.js";
import { root, ui } from "./state.js";

export const socket = new RoomSocket(socketUrl(root.dataset.socket), {
  onUpdate({ state, results }) {
    const before = ui.view && ui.view.lot ? ui.view.lot.id : null;
    const after = state && state.lot ? state.lot.id : null;
    if (ui.view && before !== after) {   // a paddle typed, a line taken, for the previous lot
      ui.phoneLine = null;
      resetEntry();
      clearAmount();   // a refused amount's figure belongs to the previous lot
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
