// One stream for the whole tab: the pages subscribe to its events while they are shown.

const listeners = new Set();

export function publish(type, data) {
  for (const l of listeners) l(type, data);
}

/** Calls listener(type, data) for every stream event until the returned function is called. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
