// Logic behind /api/lineage/datasets: the datasets a person can pick as the root of a lineage graph. The
// lineage API needs a dataset's namespace and name, which nobody types from memory; this lists the datasets
// named by the most recent lineage events, built on the store interface so both stores answer alike.

import { authorize } from '../auth/authorize';
import type { RunEvent } from '../store/types';
import { getControlPlane } from './control-plane';
import { handleRoute, jsonResponse } from './handle-route';

/** How many recent events are read; a dataset no run has touched in that many events is not offered. */
export const DATASET_SCAN_EVENTS = 5000;

export interface LineageDatasetView {
  namespace: string;
  name: string;
  /** Latest datasetVersion facet seen in the scanned events, if any. */
  latestVersion: string | null;
  lastSeenAt: string;
}

/** Distinct datasets of these events (oldest first), the latest version and time each was seen. */
export function datasetsOfEvents(events: RunEvent[]): LineageDatasetView[] {
  const byKey = new Map<string, LineageDatasetView>();
  for (const event of events) {
    for (const d of [...event.inputs, ...event.outputs]) {
      const key = `${d.namespace}\u0000${d.name}`;
      const seen = byKey.get(key);
      const version = d.facets?.version?.datasetVersion ?? seen?.latestVersion ?? null;
      byKey.set(key, {
        namespace: d.namespace,
        name: d.name,
        latestVersion: version,
        lastSeenAt: event.eventTime,
      });
    }
  }
  return [...byKey.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace),
  );
}

export const getLineageDatasets = handleRoute(async (request) => {
  await authorize(request, 'lineage:read');
  const { store } = await getControlPlane();
  const events = await store.listLineageEvents({ limit: DATASET_SCAN_EVENTS });
  return jsonResponse({ datasets: datasetsOfEvents(events), scannedEvents: events.length });
});
