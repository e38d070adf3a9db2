// The live-room websocket client shared by the clerk's tablet and the room display.
// It implements docs/protocol.md: hello with the last seq seen, snapshot or catch-up + synced,
// gap detection, automatic reconnection with backoff, and commands acknowledged by command_id.

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;
const HELLO_TIMEOUT_MS = 10000;   // no snapshot/synced after hello: try again
const PING_EVERY_MS = 15000;
const SILENCE_LIMIT_MS = 40000;   // nothing heard for this long: the connection is dead
const OFFLINE_AFTER_ATTEMPTS = 3; // failed attempts in a row before the screen says "Hors ligne"
// A command unanswered for ANSWER_WAIT_MS: a ping at once, and nothing heard at all for
// ANSWER_SILENCE_MS while commands wait: the connection is dead (a Wi-Fi drop closes nothing), so
// the screen says so within seconds instead of SILENCE_LIMIT_MS, and sends them again once back.
const ANSWER_WAIT_MS = 2500;
const ANSWER_SILENCE_MS = 6000;

export const OFFLINE_ERROR = Object.freeze({
  code: "offline",
  message: "Hors ligne : l'action n'a pas été envoyée. Attendez le retour de la connexion.",
});

/** The ws:// or wss:// URL of a socket path on this site. */
export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

function newCommandId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  // crypto.randomUUID needs a secure context (https or localhost): fall back to random bytes.
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Fold an event into the per-lot results, as the server does (auction/domain/room.py apply()). */
export function applyResult(results, event) {
  const p = event.payload || {};
  if (event.kind === "hammer") {
    results[String(p.lot_id)] = { sold: true, amount_cents: p.amount_cents, paddle: p.paddle };
  } else if (event.kind === "lot_passed") {
    results[String(p.lot_id)] = { sold: false, amount_cents: null, paddle: null };
  } else if (event.kind === "lot_withdrawn") {
    const last = p.last_bid || {};
    results[String(p.lot_id)] = { sold: false, amount_cents: last.amount_cents ?? null, paddle: last.paddle ?? null,
      withdrawn: true };
  } else if (["lot_reoffered", "lot_opened", "lot_put_up_again_in_room"].includes(event.kind)) {
    delete results[String(p.lot_id)];   // back on the block (an unsold lot may be offered again)
  }
}

/** Show an announcement to the room for a while (the display and the live page), then hide it. */
export const ANNOUNCEMENT_MS = 30000;
let announcementTimer = null;
export function showAnnouncement(element, text) {
  if (!element) return;
  clearTimeout(announcementTimer);
  element.textContent = `Annonce : ${text}`;
  element.hidden = false;
  announcementTimer = setTimeout(() => { element.hidden = true; }, ANNOUNCEMENT_MS);
}

/** Close codes by which the server refuses a screen (docs/protocol.md): retrying would not help. */
const REFUSALS = {
  4401: "Session expirée : reconnectez-vous, puis rechargez cette page.",
  4403: "Accès refusé à cette vente depuis cet écran.",
  4404: "Vente introuvable ou pas encore publiée.",
};

/**
 * One screen's connection to a room.
 *
 * Callbacks (all optional):
 *   onUpdate({state, results, seq, event, live}) — a fresh state: after a snapshot, after the
 *       catch-up (`synced`), and after each live event (`event` set, `live` true).
 *   onConnection(status, info) — "connecting" | "connected" | "disconnected".
 *   onNotice({code, message}) — an error the server sent without a command_id.
 *   onPresence({online_bidders}) — staff screens: how many online bidders are connected.
 */
export class RoomSocket {
  constructor(url, callbacks = {}) {
    this.url = url;
    this.callbacks = callbacks;
    this.ws = null;
    this.status = "connecting";
    this.lastSeq = 0;
    this.state = null;
    this.results = {};
    this.pending = new Map();     // command_id -> {message, resolve, reject}
    this.attempts = 0;
    this.retryTimer = null;
    this.helloTimer = null;
    this.pingTimer = null;
    this.answerTimer = null;
    this.lastHeard = 0;
    this.stopped = false;
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.status !== "connected") this.reconnectNow();
    });
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.dropSocket();
    this.setStatus("disconnected");
  }

  get connected() {
    return this.status === "connected";
  }

  /** Send a command; resolves with the ack, rejects with {code, message} on the server's error. */
  sendCommand(name, args = {}) {
    if (!this.connected || !this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject({ ...OFFLINE_ERROR });
    }
    const commandId = newCommandId();
    const message = { type: "command", command_id: commandId, name, args };
    return new Promise((resolve, reject) => {
      this.pending.set(commandId, { message, resolve, reject });
      this.transmit(message);
      this.watchAnswers();
    });
  }

  /** While commands wait for their answers: ping when one is slow, restart when all is silent. */
  watchAnswers() {
    if (this.answerTimer) return;
    const check = () => {
      this.answerTimer = null;
      if (!this.pending.size || this.status !== "connected") return;   // answered, or reconnecting
      const silent = Date.now() - this.lastHeard;
      if (silent >= ANSWER_SILENCE_MS) {
        this.restart();
        return;
      }
      if (silent >= ANSWER_WAIT_MS) this.transmit({ type: "ping" });
      this.answerTimer = setTimeout(check, ANSWER_WAIT_MS / 2);
    };
    this.answerTimer = setTimeout(check, ANSWER_WAIT_MS);
  }

  get pendingCount() {
    return this.pending.size;
  }

  // --- connection --------------------------------------------------------------------------

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket();
    if (this.status !== "disconnected") this.setStatus("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      ws.send(JSON.stringify({ type: "hello", last_seq: this.lastSeq }));
      this.helloTimer = setTimeout(() => {
        if (ws === this.ws && this.status !== "connected") this.restart();
      }, HELLO_TIMEOUT_MS);
    };
    ws.onmessage = (message) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      let data;
      try {
        data = JSON.parse(message.data);
      } catch (err) {
        return;
      }
      this.handle(data);
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      const refusal = REFUSALS[event.code];
      if (refusal) {
        this.stop();
        if (this.callbacks.onNotice) this.callbacks.onNotice({ code: `closed_${event.code}`, message: refusal });
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // A close event always follows; reconnecting is decided there.
    };
  }

  /** Forget the current socket (its late messages are ignored) and close it. */
  dropSocket() {
    clearTimeout(this.helloTimer);
    clearInterval(this.pingTimer);
    this.helloTimer = null;
    this.pingTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch (err) {
        /* already closed */
      }
    }
  }

  /** Reconnect at once (a gap in the sequence, a resync, a dead connection). */
  restart() {
    this.dropSocket();
    this.scheduleReconnect(0);
  }

  reconnectNow() {
    if (this.stopped || this.status === "connected" || this.ws) return;   // connected, or an attempt under way
    this.connect();
  }

  scheduleReconnect(delay) {
    if (this.stopped) return;
    clearTimeout(this.helloTimer);
    clearInterval(this.pingTimer);
    this.attempts += 1;
    if (delay === undefined) {
      const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.attempts - 1));
      delay = base * (0.8 + Math.random() * 0.4);
    }
    this.setStatus(this.attempts > OFFLINE_AFTER_ATTEMPTS ? "disconnected" : "connecting");
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    if (this.callbacks.onConnection) this.callbacks.onConnection(status);
  }

  transmit(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
    }
  }

  becameConnected() {
    clearTimeout(this.helloTimer);
    this.attempts = 0;
    this.setStatus("connected");
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
        this.restart();
      } else {
        this.transmit({ type: "ping" });
      }
    }, PING_EVERY_MS);
    // Commands sent before the drop and never answered: the same command_id again (the server
    // applies a command_id once, and answers a repeat with the first outcome).
    for (const entry of this.pending.values()) this.transmit(entry.message);
    if (this.pending.size) this.watchAnswers();
  }

  // --- messages ----------------------------------------------------------------------------

  handle(data) {
    switch (data.type) {
      case "snapshot":
        this.lastSeq = data.seq;
        this.state = data.state;
        this.results = { ...(data.results || {}) };
        this.becameConnected();
        this.emit({ event: null, live: false });
        return;
      case "event": {
        const event = data.event;
        if (event.seq !== this.lastSeq + 1) {
          // A missed event: never show a stale bid, ask for what we missed.
          this.restart();
          return;
        }
        this.lastSeq = event.seq;
        applyResult(this.results, event);
        if (data.state) {
          this.state = data.state;
          if (this.connected) this.emit({ event, live: true });
        }
        return;
      }
      case "synced":
        if (data.seq !== this.lastSeq) {
          this.lastSeq = 0;   // our picture is not the server's: start from a snapshot
          this.restart();
          return;
        }
        this.state = data.state;
        this.becameConnected();
        this.emit({ event: null, live: false });
        return;
      case "ack":
        if (this.checkSeq(data)) this.settle(data.command_id, true, data);
        return;
      case "error":
        if (!this.checkSeq(data)) return;
        if (data.command_id && this.pending.has(data.command_id)) {
          this.settle(data.command_id, false, { code: data.code, message: data.message, details: data.details });
        } else if (this.callbacks.onNotice) {
          this.callbacks.onNotice({ code: data.code, message: data.message });
        }
        return;
      case "pong":
        this.checkSeq(data);
        return;
      case "presence":
        // Not an event of the log: who is connected now (staff screens only).
        if (this.callbacks.onPresence) this.callbacks.onPresence({ online_bidders: data.online_bidders });
        return;
      case "resync":
        // The server closes with 1013; reconnect with our last seq without waiting for it.
        this.restart();
        return;
      default:
        return;
    }
  }

  /** Every message carries the seq of the log's last event: beyond ours means we missed one. */
  checkSeq(data) {
    if (typeof data.seq === "number" && data.seq > this.lastSeq) {
      this.restart();
      return false;
    }
    return true;
  }

  settle(commandId, ok, value) {
    const entry = this.pending.get(commandId);
    if (!entry) return;
    this.pending.delete(commandId);
    if (ok) entry.resolve(value);
    else entry.reject(value);
  }

  emit({ event, live }) {
    if (this.callbacks.onUpdate) {
      this.callbacks.onUpdate({ state: this.state, results: this.results, seq: this.lastSeq, event, live });
    }
  }
}

// --- formats shared by both screens ---------------------------------------------------------

const EUROS = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const WHOLE_EUROS = new Intl.NumberFormat("fr-FR", {
  style: "currency", currency: "EUR", minimumFractionDigits: 0, maximumFractionDigits: 0,
});

/** 123400 → "1 234 €"; 123456 → "1 234,56 €". */
const WHOLE_UNITS = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

/** The shown amount in the sale's display currencies, as the server computed them (view.conversions,
 * indicative whole units): "≈ 2 711 USD · ≈ 2 140 GBP", or "" when the sale shows none. */
export function conversionsText(conversions) {
  return (conversions || []).map((c) => `≈ ${WHOLE_UNITS.format(c.amount)} ${c.code}`).join(" · ");
}

export function euros(cents) {
  if (cents === null || cents === undefined) return "—";
  return cents % 100 === 0 ? WHOLE_EUROS.format(cents / 100) : EUROS.format(cents / 100);
}

/** "2 500", "2500,50", "2 500 €" → cents, or null when unreadable. */
export function parseEuros(text) {
  const cleaned = String(text || "").replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.split(".");
  return Number(whole) * 100 + Number((fraction + "00").slice(0, 2));
}

export const CALL_LABELS = ["1re criée", "2e criée", "3e criée"];

/** What the public screens (the room display, the live page) say of the sale, by its status. */
export const PUBLIC_MESSAGES = {
  ready: "La vente va commencer",
  paused: "Vente suspendue",
  stopped: "Vente terminée",
  adjourned: "Séance close : la vente reprendra à la séance suivante",
  closed: "Vente terminée",
};

export const SOURCE_LABELS = {
  room: "Salle", phone: "Téléphone", online: "En ligne", absentee: "Ordre d'achat",
};

/** What a lot without a bid is shown from: its opening bid ("Mise à prix"), or, for a lot without one
 * ("mise à prix 0 €"), its first bid, the increment table's first step (first_bid_cents, server-made). */
export function openingOf(lot) {
  if (lot.opening_bid_cents > 0 || lot.first_bid_cents === undefined || lot.first_bid_cents === null) {
    return { caption: "Mise à prix", cents: lot.opening_bid_cents };
  }
  return { caption: "Première enchère", cents: lot.first_bid_cents };
}
