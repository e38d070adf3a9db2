// The clerk's tablet: commands sent to the room one at a time (the ack awaited), the short queue of
// those asked for meanwhile, and the officer's way past a refusal.
import { socket } from "./connection.js";
import { askReason } from "./dialogs.js";
import { clearErrorBefore, errorMark, notify, showError } from "./messages.js";
import { render } from "./render.js";
import { $, isOfficer, ui } from "./state.js";

// Commands asked for from the keyboard while one is in flight: sent after it, in order, or refused
// with a message (never silently dropped). A bid keeps the paddle typed when Enter was pressed.
const queue = [];
const MAX_QUEUED = 3;
// The errors on screen when the command being started was asked for (queued: when it was queued).
let askedAt = null;

/** Send `name`, answered with its ack, or null when refused or not sent (the refusal on screen, and
 * given to `onRefused` too). */
export async function run(name, args = {}, { success, onRefused } = {}) {
  if (ui.busy) {
    showError({ message: "Commande précédente en cours : celle-ci n'a pas été envoyée, recommencez." });
    return null;
  }
  // Its ack clears only an error the clerk had seen when asking for it: not the refusal of the command
  // before it in the queue, nor one shown meanwhile.
  const mark = askedAt !== null ? askedAt : errorMark();
  ui.busy = true;
  const answer = socket.sendCommand(name, args);   // on the wire before the screen redraws: a bid
  render();                                        // racing an online bid must not wait for layout
  try {
    const ack = await answer;
    clearErrorBefore(mark);
    if (success) notify(success);
    return ack;
  } catch (error) {
    showError(error, overrideFor(error, name, args));
    if (onRefused) onRefused(error);
    return null;
  } finally {
    ui.busy = false;
    render();
    setTimeout(drainQueue, 0);   // after the caller's own follow-up (a bid clears its paddle)
  }
}

/** Run `action` now, or once the command in flight is answered. `action` returns false when it
 * could not be done (then the clerk is told so). */
export function whenFree(label, action) {
  if (!ui.busy && queue.length === 0) {
    if (action() === false) showError({ message: `${label} : impossible maintenant.` });
    return;
  }
  if (queue.length >= MAX_QUEUED) {
    showError({ message: `${label} refusé : ${queue.length} commandes attendent déjà.` });
    return;
  }
  queue.push({ label, action, mark: errorMark() });
  notify(`${label} : en attente, envoyé dès la réponse à la commande en cours.`);
  renderQueue();
}

function drainQueue() {
  if (ui.busy) return;
  const next = queue.shift();
  renderQueue();
  if (!next) return;
  askedAt = next.mark;
  let done;
  try {
    done = next.action();
  } finally {
    askedAt = null;
  }
  if (done === false) {
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
