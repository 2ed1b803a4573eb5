// Logic behind /api/lineage/datasets: the datasets a person can pick as the root of a lineage graph. The
// lineage API needs a dataset's namespace and name, which nobody types from memory; the store keeps every
// dataset any event named (its lineage nodes), with the latest version, in both stores alike.

import { authorize } from '../auth/authorize';
import type { LineageNode } from '../store/types';
import { getControlPlane } from './control-plane';
import { handleRoute, jsonResponse } from './handle-route';

export interface LineageDatasetView {
  namespace: string;
  name: string;
  /** Latest datasetVersion facet seen, if any. */
  latestVersion: string | null;
  lastSeenAt: string;
}

/** The picker's list: sorted as people read (locale order of the name, then the namespace). */
export function presentDatasets(nodes: LineageNode[]): LineageDatasetView[] {
  return nodes
    .map((node) => ({
      namespace: node.namespace,
      name: node.name,
      latestVersion: node.latestVersion,
      lastSeenAt: node.updatedAt.toISOString(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace));
}

export const getLineageDatasets = handleRoute(async (request) => {
  await authorize(request, 'lineage:read');
  const { store } = await getControlPlane();
  return jsonResponse({ datasets: presentDatasets(await store.listLineageDatasets()) });
});
