// The clerk's tablet: the alert (an error, with at most one action to retry) and the notice line.
import { $ } from "./state.js";

let alertAction = null;
let shown = 0;        // errors shown so far: the alert's is the last
let alertShown = 0;   // which one the alert holds, 0 when hidden

/** The mark of the errors shown up to now (for clearErrorBefore). */
export function errorMark() {
  return shown;
}

export function showError(error, action = null) {
  shown += 1;
  alertShown = shown;
  $("room-notice").textContent = "";   // an older "… enregistrée" must not read as the answer
  $("room-alert-text").textContent = error.message || "L'action a échoué.";
  const button = $("room-alert-action");
  alertAction = action;
  button.hidden = !action;
  if (action) button.textContent = action.label;
  $("room-alert").hidden = false;
}

/** Clear the alert if its error was shown up to `mark` (errorMark()), not one shown since. */
export function clearErrorBefore(mark) {
  if (alertShown <= mark) clearError();
}

export function clearError() {
  alertShown = 0;
  $("room-alert").hidden = true;
  $("room-alert-text").textContent = "";
  alertAction = null;
}

export function notify(text) {
  $("room-notice").textContent = text;
}

$("room-alert-close").addEventListener("click", clearError);
$("room-alert-action").addEventListener("click", () => {
  const action = alertAction;
  clearError();
  if (action) action.run();
});
