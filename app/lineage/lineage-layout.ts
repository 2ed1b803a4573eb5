// Lays a lineage graph out in columns: the chosen dataset in the middle, what feeds it to the left, what it
// feeds to the right, one column per hop. Jobs are not boxes of their own: each input → job → output pair
// becomes one dataset-to-dataset edge labelled with the job, which is how admins read lineage. Pure, so it
// is tested without a browser.

import type { LineageGraphView, LineageNodeView } from '../_lib/control-types';

export interface LaidOutNode {
  node: LineageNodeView;
  layer: number;
  x: number;
  y: number;
}

export interface LaidOutEdge {
  from: LaidOutNode;
  to: LaidOutNode;
  job: LineageNodeView;
}

export interface LineageLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 78;
const GAP_X = 100;
const GAP_Y = 28;
const MARGIN = 16;

/** Dataset-to-dataset edges through each job, deduplicated. */
export function datasetEdges(graph: LineageGraphView): { from: string; to: string; job: LineageNodeView }[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const result = new Map<string, { from: string; to: string; job: LineageNodeView }>();
  for (const job of graph.nodes.filter((n) => n.kind === 'job')) {
    const inputs = graph.edges.filter((e) => e.to === job.id && byId.get(e.from)?.kind === 'dataset');
    const outputs = graph.edges.filter((e) => e.from === job.id && byId.get(e.to)?.kind === 'dataset');
    for (const i of inputs) {
      for (const o of outputs) result.set(`${i.from}|${o.to}|${job.id}`, { from: i.from, to: o.to, job });
    }
  }
  return [...result.values()];
}

/** Each dataset's column relative to the root (negative: upstream), by breadth-first relaxation. */
export function assignLayers(rootId: string, ids: string[], edges: { from: string; to: string }[]) {
  const layer = new Map<string, number>();
  if (ids.includes(rootId)) layer.set(rootId, 0);
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of edges) {
      const from = layer.get(e.from);
      const to = layer.get(e.to);
      if (from !== undefined && to === undefined) layer.set(e.to, from + 1);
      else if (to !== undefined && from === undefined) layer.set(e.from, to - 1);
      else continue;
      changed = true;
    }
  }
  // Datasets not connected to the root (should not happen in a walk from it) go in a column of their own.
  const max = Math.max(0, ...layer.values());
  for (const id of ids) if (!layer.has(id)) layer.set(id, max + 1);
  return layer;
}

export function layoutLineage(graph: LineageGraphView): LineageLayout {
  const datasets = graph.nodes.filter((n) => n.kind === 'dataset');
  const edges = datasetEdges(graph);
  const layers = assignLayers(
    graph.root,
    datasets.map((d) => d.id),
    edges,
  );
  const columns = [...new Set(layers.values())].sort((a, b) => a - b);
  const placed = new Map<string, LaidOutNode>();
  let tallest = 0;
  columns.forEach((column, columnIndex) => {
    const inColumn = datasets
      .filter((d) => layers.get(d.id) === column)
      .sort((a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace));
    tallest = Math.max(tallest, inColumn.length);
    inColumn.forEach((node, row) => {
      placed.set(node.id, {
        node,
        layer: column,
        x: MARGIN + columnIndex * (NODE_WIDTH + GAP_X),
        y: MARGIN + row * (NODE_HEIGHT + GAP_Y),
      });
    });
  });
  return {
    nodes: [...placed.values()],
    edges: edges.map((e) => ({ from: placed.get(e.from)!, to: placed.get(e.to)!, job: e.job })),
    width: MARGIN * 2 + Math.max(1, columns.length) * NODE_WIDTH + Math.max(0, columns.length - 1) * GAP_X,
    height: MARGIN * 2 + Math.max(1, tallest) * NODE_HEIGHT + Math.max(0, tallest - 1) * GAP_Y,
  };
}

/** Long lake paths and table names are cut in the middle, where they differ least. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  return `${text.slice(0, Math.ceil(keep / 2))}…${text.slice(text.length - Math.floor(keep / 2))}`;
}

/**
 * A dataset box's label: the table a dataset name ends with, as people call it. Lake paths end in the table's
 * folder (`/srv/lake/tables/parcels`, `…/raw/county_ops/parcels`), database names in the table
 * (`county_mirror.parcels`, `county_ops.public.parcels`). The full name is the box's hover title.
 */
export function datasetLabel(name: string): string {
  const trimmed = name.replace(/[/\\]+$/, '');
  const last = trimmed.includes('/')
    ? trimmed.slice(trimmed.lastIndexOf('/') + 1)
    : trimmed.slice(trimmed.lastIndexOf('.') + 1);
  return shorten(last || name, 25);
}

/** What kind of dataset a box is, from its namespace and name: where the table lives, in a word or two. */
export function datasetKind(namespace: string, name: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(namespace)?.[1]?.toLowerCase();
  if (scheme === 'file' || scheme === 'hdfs' || scheme === 'webhdfs') {
    return /\/raw\/[^/]+\/[^/]+$/.test(name) ? 'raw Parquet' : 'Delta table';
  }
  const systems: Record<string, string> = {
    mysql: 'MySQL table',
    postgres: 'PostgreSQL table',
    postgresql: 'PostgreSQL table',
    oracle: 'Oracle table',
  };
  return (scheme && systems[scheme]) ?? shorten(namespace, 32);
}

/**
 * An edge's label: the step a job name ends with (`county-ops.parcels.extract` → `extract`), which is what fits
 * between two boxes; the dataset boxes already say which table. Other names are shortened; the full name is in the
 * edge's hover title.
 */
export function jobLabel(name: string): string {
  const step = name.slice(name.lastIndexOf('.') + 1);
  return step.length >= 3 && step !== 'run' && step !== name ? shorten(step, 14) : shorten(name, 14);
}
