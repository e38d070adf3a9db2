// Large amounts on the room's screens (the room display, the rostrum) kept on their one line.

/** Shrink a one-line text until it fits its box (a six-digit amount in the huge type). */
export function fitWidth(element) {
  element.style.fontSize = "";
  const room = element.clientWidth;
  if (room > 0 && element.scrollWidth > room) {
    const size = parseFloat(getComputedStyle(element).fontSize);
    element.style.fontSize = `${Math.floor((size * room) / element.scrollWidth)}px`;
  }
}
