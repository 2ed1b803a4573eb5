// Turning RunEvents into a graph, shared by both stores so they cannot disagree: every event makes its job
// and datasets nodes (latest status and version win by event time) and links input → job → output, except for
// a run whose step runs link its datasets table by table.

import type { RunEvent } from '@/pipelines/lineage';
import type {
  DatasetRef,
  LineageEdge,
  LineageGraph,
  LineageGraphQuery,
  LineageNode,
  LineageNodeKind,
} from './types';

export function nodeId(kind: LineageNodeKind, namespace: string, name: string): string {
  return `${kind}:${namespace}:${name}`;
}

export function datasetNodeId(ref: DatasetRef): string {
  return nodeId('dataset', ref.namespace, ref.name);
}

export function foldEvent(event: RunEvent): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const updatedAt = new Date(event.eventTime);
  const base = { latestStatus: event.eventType, latestRunId: event.run.runId, updatedAt };
  const jobId = nodeId('job', event.job.namespace, event.job.name);
  const nodes: LineageNode[] = [
    {
      id: jobId,
      kind: 'job',
      namespace: event.job.namespace,
      name: event.job.name,
      latestVersion: null,
      ...base,
    },
  ];
  const edges: LineageEdge[] = [];
  for (const [datasets, isOutput] of [
    [event.inputs, false],
    [event.outputs, true],
  ] as const) {
    for (const d of datasets) {
      const id = nodeId('dataset', d.namespace, d.name);
      nodes.push({
        id,
        kind: 'dataset',
        namespace: d.namespace,
        name: d.name,
        latestVersion: d.facets?.version?.datasetVersion ?? null,
        ...base,
      });
      // A run whose steps link its datasets table by table adds no edges of its own (LakehouseStepsRunFacet).
      if (!event.run.facets?.lakehouse_steps)
        edges.push(isOutput ? { from: jobId, to: id } : { from: id, to: jobId });
    }
  }
  return { nodes, edges };
}

/** Walk the graph breadth-first from a dataset; `edgesOf` returns the edges touching the given node ids. */
export async function walkLineage(
  root: DatasetRef,
  query: LineageGraphQuery,
  edgesOf: (ids: string[], direction: 'upstream' | 'downstream') => Promise<LineageEdge[]>,
  loadNodes: (ids: string[]) => Promise<LineageNode[]>,
): Promise<LineageGraph> {
  const rootId = datasetNodeId(root);
  const depth = Math.max(1, Math.min(10, Math.floor(query.depth)));
  const seen = new Set([rootId]);
  const edgeKeys = new Set<string>();
  const edges: LineageEdge[] = [];
  const directions = query.direction === 'both' ? (['upstream', 'downstream'] as const) : [query.direction];
  for (const direction of directions) {
    let frontier = [rootId];
    // One dataset hop is two edges: dataset → job → dataset.
    for (let step = 0; step < depth * 2 && frontier.length > 0; step++) {
      const found = await edgesOf(frontier, direction);
      const next: string[] = [];
      for (const edge of found) {
        const key = `${edge.from}\u0000${edge.to}`;
        if (!edgeKeys.has(key)) {
          edgeKeys.add(key);
          edges.push(edge);
        }
        const other = direction === 'upstream' ? edge.from : edge.to;
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
      frontier = next;
    }
  }
  const nodes = await loadNodes([...seen]);
  nodes.sort((a, b) => a.id.localeCompare(b.id));
  edges.sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
  return { root: rootId, nodes, edges };
}
