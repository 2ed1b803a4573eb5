// Where lineage events go: always the control store; also an OpenLineage HTTP endpoint when OPENLINEAGE_URL
// is set (Marquez's POST /api/v1/lineage). The endpoint is best effort: a Marquez outage is logged and must
// never fail or slow a pipeline run, so events are POSTed in the background, one at a time in emit order (a
// run's START before its COMPLETE), and the worker flushes the queue on shutdown. A failure to store the
// event locally is reported to the caller.

import type { RunEvent } from '@/pipelines/lineage';
import type { ControlStore } from './control-store';

export interface LineageEmitterOptions {
  store: Pick<ControlStore, 'saveLineageEvent'>;
  /** Base URL, e.g. http://marquez:5000; events are POSTed to <url>/api/v1/lineage. */
  openLineageUrl?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export function lineageEndpoint(base: string): string {
  const url = new URL(base);
  // Accept both the server's base URL and the full endpoint.
  if (!/\/api\/v1\/lineage\/?$/.test(url.pathname))
    url.pathname = `${url.pathname.replace(/\/$/, '')}/api/v1/lineage`;
  return url.toString();
}

export interface LineageEmitter {
  (event: RunEvent): Promise<void>;
  /** Waits for queued POSTs, at most `timeoutMs`; true when the queue emptied in time. */
  flush(timeoutMs?: number): Promise<boolean>;
}

export function createLineageEmitter(options: LineageEmitterOptions): LineageEmitter {
  const endpoint = options.openLineageUrl ? lineageEndpoint(options.openLineageUrl) : undefined;
  const fetchImpl = options.fetchImpl ?? fetch;
  const log = options.log ?? ((line: string) => console.warn(line));
  let queue: Promise<void> = Promise.resolve();
  const send = async (event: RunEvent) => {
    try {
      const response = await fetchImpl(endpoint as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) {
        log(
          `[lineage] ${endpoint} answered ${response.status} to ${event.eventType} of run ${event.run.runId}`,
        );
      }
    } catch (error) {
      log(
        `[lineage] could not send ${event.eventType} of run ${event.run.runId} to ${endpoint}: ${(error as Error).message}`,
      );
    }
  };
  const emit = async (event: RunEvent) => {
    await options.store.saveLineageEvent(event);
    if (endpoint) queue = queue.then(() => send(event));
  };
  return Object.assign(emit, {
    async flush(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([queue.then(() => true), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
