// A one-time message carried from one view to the next ("Saved. The first full sync has started.").
let pending = null;

export function setFlash(text) {
  pending = text;
}

export function takeFlash() {
  const text = pending;
  pending = null;
  return text;
}
