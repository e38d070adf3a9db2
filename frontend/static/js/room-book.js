// The room's book (the sale's absentee orders and phone requests) as the staff screens fetch it:
// the clerk's tablet (clerk/book.js) and the rostrum (rostrum.js), each from its page's data-book URL.

/** A fetcher of the book at `url` that answers its latest call only (an older answer may arrive
 * last): `{ requests }` the book's bid requests, or `{ requests: null, expired }` when none came
 * (expired: the session ended, the answer was the login page or a refusal); null for a call
 * overtaken by a later one. */
export function bookFetcher(url) {
  let calls = 0;
  return async function fetchBook() {
    const call = ++calls;
    let answer = null;
    let status = 0;
    try {
      const response = await fetch(url, {
        credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" },
      });
      status = response.redirected ? 401 : response.status;   // an expired session ends on the login page
      const type = response.headers.get("content-type") || "";
      answer = response.ok && !response.redirected && type.includes("application/json") ? await response.json() : null;
    } catch (error) {
      answer = null;
    }
    if (call !== calls) return null;
    if (answer && Array.isArray(answer.bid_requests)) return { requests: answer.bid_requests };
    return { requests: null, expired: status === 401 || status === 403 };
  };
}
