// The staff's record page: while the sale runs, fetch the record again whenever the log moved
// (a small poll: the server answers 204 while nothing changed).
const record = document.getElementById("record");
const status = document.getElementById("record-status");
const POLL_MS = 3000;

async function refresh() {
  try {
    const url = `${record.dataset.source}?seq=${encodeURIComponent(record.dataset.seq)}`;
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (response.redirected || response.status === 401 || response.status === 403) {
      status.textContent = "Session expirée : reconnectez-vous pour suivre le procès-verbal.";
      return;
    }
    if (response.status === 200) {
      const html = await response.text();
      record.innerHTML = html;   // rendered by the server from the log, escaped there
      record.dataset.seq = response.headers.get("x-record-seq") || record.dataset.seq;
      status.textContent = `Mis à jour (événement n° ${record.dataset.seq}).`;
    }
  } catch (error) {
    status.textContent = "Hors ligne : le procès-verbal affiché n'est peut-être pas à jour.";
  }
  setTimeout(refresh, POLL_MS);
}

if (record && record.dataset.live === "true") setTimeout(refresh, POLL_MS);
