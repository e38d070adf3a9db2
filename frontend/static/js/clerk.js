// The clerk's tablet: conducts the sale through the staff socket (docs/protocol.md).
// One module a concept under clerk/, each imported here so that the browser asks for them all at once.
import "./clerk/state.js";           // the page, the catalogue it lists, the screen's state
import "./clerk/messages.js";        // the alert and the notice line
import "./clerk/dialogs.js";         // the confirmations: a yes/no question, a written reason
import "./clerk/commands.js";        // one command in flight, the short queue behind it
import "./clerk/book.js";            // the lot's absentee orders and phone lines
import "./clerk/entry.js";           // the paddle entry: keypad, keyboard digits, origin of the bid
import "./clerk/card-reader.js";     // a paddle card read by a scanner or the camera
import "./clerk/bids.js";            // bids for the paddle typed
import "./clerk/lot-actions.js";     // the lot on the block: calls, hammer, pass, withdraw
import "./clerk/lot-picker.js";      // between lots: the catalogue, a lot by its number, lots in default
import "./clerk/sale-controls.js";   // the sale's and the session's buttons
import "./clerk/shortcuts.js";       // the laptop's keyboard shortcuts
import { socket } from "./clerk/connection.js";
import { render } from "./clerk/render.js";

render();
window.crieeRoom = socket;   // for the browser console and the browser tests
socket.start();
