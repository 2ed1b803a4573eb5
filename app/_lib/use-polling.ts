'use client';
// Poll a loader while the tab is visible: immediately, then every `intervalMs`; paused while the tab is
// hidden (no traffic for a page nobody looks at) and refreshed the moment it is shown again. A slow answer
// never overlaps the next request, and an answer that arrives after a newer one started is dropped. An answer
// that asking again cannot change (not signed in, not allowed, not found, bad request) stops the polling until
// `refresh` or a change of deps: a tab left open must not knock on the server every few seconds for nothing.

import { useCallback, useEffect, useRef, useState } from 'react';

export interface PollState<T> {
  data: T | undefined;
  error: Error | undefined;
  /** A request is on its way (the newest one: a superseded request finishing late does not end it). */
  loading: boolean;
  /** The tab is hidden, so polling waits until it is shown again. */
  paused: boolean;
  /** Load now (after an action), without waiting for the next tick. */
  refresh: () => void;
}

/** 4xx answers a retry cannot change; 408 and 429 are worth asking again, as are 5xx and network errors. */
export function isFinalAnswer(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function usePolling<T>(
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: number | null,
  deps: readonly unknown[],
): PollState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [paused, setPaused] = useState(false);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;

    const run = async () => {
      clearTimeout(timer);
      controller?.abort();
      const current = new AbortController();
      controller = current;
      let final = false;
      setLoading(true);
      try {
        const value = await loadRef.current(current.signal);
        if (cancelled) return;
        setData(value);
        setError(undefined);
      } catch (e) {
        if (cancelled || (e as Error).name === 'AbortError') return;
        setError(e as Error);
        final = isFinalAnswer(e);
      } finally {
        if (!cancelled && controller === current) setLoading(false);
      }
      if (!cancelled && !final && intervalMs !== null && document.visibilityState === 'visible') {
        timer = setTimeout(run, intervalMs);
      }
    };
    const onVisibility = () => {
      setPaused(document.visibilityState !== 'visible');
      if (document.visibilityState === 'visible') void run();
      else {
        clearTimeout(timer);
        controller?.abort();
      }
    };
    void run();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
    // The caller lists what the loader depends on in deps.
  }, [intervalMs, tick, ...deps]);

  return { data, error, loading, paused, refresh };
}
