// The clerk's tablet, shared by its modules: the page, the catalogue it lists, and the screen's state.

export const root = document.getElementById("clerk");
export const $ = (id) => document.getElementById(id);
export const isOfficer = root.dataset.userRole === "officer";

// The catalogue, from the page (catalogue order).
const lotRows = Array.from(document.querySelectorAll("#lot-list .lot-row"));
export const lots = new Map(lotRows.map((row) => [Number(row.dataset.lotId), {
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

export const ui = {
  view: null,          // the staff view of the room (docs/protocol.md, "The state view")
  results: {},
  connection: "connecting",
  paddle: "",
  source: "room",
  phoneLine: null,     // the paddle of the phone bidder the clerk is on the line with
  retry: false,        // the entry holds a bid not recorded (refused, or not sent), paddle and origin as sent
  onlineBidders: 0,
  busy: false,         // a command is waiting for its ack: what is asked meanwhile waits in `queue`
  hammerSnapshot: null,
};
