// Serializes work per key inside this process, so a notebook's check-then-write (version check, file, metadata)
// is atomic against another save of the same notebook. The queues live on globalThis: Next.js may load this module
// once per route bundle, and two copies of the map would be two locks. One web process serves the API
// (ARCHITECTURE.md §4 "Processes"), so an in-process lock is enough.

type Queues = Map<string, Promise<unknown>>;
const KEY = Symbol.for('lakehouse.keyed-lock');
const holder = globalThis as typeof globalThis & { [KEY]?: Queues };
const queues: Queues = (holder[KEY] ??= new Map());

/** Runs `work` after every earlier work under the same key has settled; a failure does not block the next. */
export async function withKeyedLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  // The queue goes on after a failed save; that save's caller still gets its error from `run`.
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}
