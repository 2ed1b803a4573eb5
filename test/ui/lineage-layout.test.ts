// The lineage page's pure parts: the dataset list and the column layout of a graph, both from lineage nodes
// folded from real OpenLineage events (the same fold both control stores use).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assignLayers,
  datasetEdges,
  jobLabel,
  layoutLineage,
  shorten,
  datasetKind,
  datasetLabel,
} from '../../app/lineage/lineage-layout';
import type { LineageGraphView } from '../../app/_lib/control-types';
import { buildCompleteEvent, buildStartEvent, type RunDescription } from '../../pipelines/lineage';
import { presentDatasets } from '../../server/api/lineage-datasets';
import { datasetNodeId, foldEvent } from '../../server/store/lineage-fold';

const oracle = { namespace: 'oracle://db.county.local:1521', name: 'OPS.PERMITS' };
const raw = { namespace: 'file://localhost', name: '/lake/raw/ops/permits' };
const delta = { namespace: 'file://localhost', name: '/lake/tables/permits' };
const mysql = { namespace: 'mysql://127.0.0.1:3306', name: 'county_mirror.permits' };
const job = (name: string) => ({ namespace: 'county-lakehouse', name });

const runs: RunDescription[] = [
  {
    runId: randomUUID(),
    job: job('permits.extract'),
    inputs: [oracle],
    outputs: [{ ...raw, version: 'run-1' }],
  },
  { runId: randomUUID(), job: job('permits.apply'), inputs: [raw], outputs: [{ ...delta, version: 7 }] },
  { runId: randomUUID(), job: job('permits.sync'), inputs: [{ ...delta, version: 7 }], outputs: [mysql] },
];
const events = runs.flatMap((run, i) => [
  buildStartEvent(run, new Date(Date.UTC(2026, 10, 24, 10, i * 10))),
  buildCompleteEvent(run, new Date(Date.UTC(2026, 10, 24, 10, i * 10 + 5))),
]);

/** Fold the events as the stores do (latest event wins per node, a START keeps the last version). */
function foldAll() {
  const nodes = new Map<string, ReturnType<typeof foldEvent>['nodes'][number]>();
  const edges = new Map<string, { from: string; to: string }>();
  for (const event of events) {
    const folded = foldEvent(event);
    for (const n of folded.nodes)
      nodes.set(n.id, { ...n, latestVersion: n.latestVersion ?? nodes.get(n.id)?.latestVersion ?? null });
    for (const e of folded.edges) edges.set(`${e.from}|${e.to}`, e);
  }
  return { nodes, edges };
}

/** The folded graph, serialised as the API does. */
function graphRootedAt(root: { namespace: string; name: string }): LineageGraphView {
  const { nodes, edges } = foldAll();
  return JSON.parse(
    JSON.stringify({ root: datasetNodeId(root), nodes: [...nodes.values()], edges: [...edges.values()] }),
  ) as LineageGraphView;
}

describe('lineage page layout', () => {
  it('turns input → job → output into dataset edges labelled by the job', () => {
    const edges = datasetEdges(graphRootedAt(delta));
    assert.deepEqual(
      edges.map((e) => [e.from, e.to, e.job.name]).sort(),
      [
        [datasetNodeId(delta), datasetNodeId(mysql), 'permits.sync'],
        [datasetNodeId(oracle), datasetNodeId(raw), 'permits.extract'],
        [datasetNodeId(raw), datasetNodeId(delta), 'permits.apply'],
      ].sort(),
    );
  });

  it('puts the root in the middle, upstream to the left and downstream to the right', () => {
    const layout = layoutLineage(graphRootedAt(delta));
    const byName = new Map(layout.nodes.map((n) => [n.node.name, n]));
    assert.deepEqual(
      [oracle, raw, delta, mysql].map((d) => byName.get(d.name)?.layer),
      [-2, -1, 0, 1],
    );
    const xs = [oracle, raw, delta, mysql].map((d) => byName.get(d.name)!.x);
    assert.deepEqual(
      [...xs].sort((a, b) => a - b),
      xs,
      'columns run left to right',
    );
    assert.equal(byName.get(delta.name)?.node.latestVersion, '7');
    assert.equal(layout.edges.length, 3);
    assert.ok(layout.width > xs[3]! && layout.height > 0);
  });

  it('places datasets that only share a job with the walk next to their neighbour', () => {
    const layers = assignLayers(
      'b',
      ['a', 'b', 'c', 'x'],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
      ],
    );
    assert.deepEqual([...layers.entries()].sort(), [
      ['a', -1],
      ['b', 0],
      ['c', 1],
      ['x', 2],
    ]);
  });

  it('labels an edge with the step its job name ends with', () => {
    assert.equal(jobLabel('county-ops.parcels.extract'), 'extract');
    assert.equal(jobLabel('county-ops.building_permits.sync'), 'sync');
    assert.equal(jobLabel('county-ops.pipeline.run'), 'county-…ne.run');
    assert.equal(jobLabel('loader'), 'loader');
  });

  it('labels a dataset box with its table name and the kind of dataset, not a cut path', () => {
    assert.equal(datasetLabel('/tmp/wk-lake-Xa81/tables/parcels'), 'parcels');
    assert.equal(datasetLabel('/srv/lake/raw/county_ops/building_permits'), 'building_permits');
    assert.equal(datasetLabel('/srv/lake/tables/parcels/'), 'parcels');
    assert.equal(datasetLabel('county_mirror.service_requests'), 'service_requests');
    assert.equal(datasetLabel('county_ops.public.inspections'), 'inspections');
    assert.equal(datasetLabel('loader'), 'loader');
    assert.equal(datasetKind('file://localhost', '/srv/lake/tables/parcels'), 'Delta table');
    assert.equal(datasetKind('file://localhost', '/srv/lake/raw/county_ops/parcels'), 'raw Parquet');
    assert.equal(datasetKind('hdfs://nn:8020', '/lake/tables/parcels'), 'Delta table');
    assert.equal(datasetKind('mysql://127.0.0.1:3306', 'county_mirror.parcels'), 'MySQL table');
    assert.equal(datasetKind('postgres://127.0.0.1:5432', 'county_ops.public.parcels'), 'PostgreSQL table');
    assert.equal(datasetKind('custom', 'x'), 'custom');
  });

  it('shortens long names in the middle', () => {
    assert.equal(shorten('short', 10), 'short');
    const cut = shorten('/lake/tables/a_very_long_table_name', 15);
    assert.equal(cut.length, 15);
    assert.match(cut, /^\/lake\/t.*….*name$/);
  });
});

describe('dataset list for the picker', () => {
  it('lists each dataset once, sorted as people read (case-insensitive), with the latest version seen', () => {
    const list = presentDatasets([...foldAll().nodes.values()].filter((n) => n.kind === 'dataset'));
    assert.deepEqual(
      list.map((d) => d.name),
      ['/lake/raw/ops/permits', '/lake/tables/permits', 'county_mirror.permits', 'OPS.PERMITS'],
    );
    assert.equal(list.find((d) => d.name === delta.name)?.latestVersion, '7');
    assert.equal(list.find((d) => d.name === oracle.name)?.latestVersion, null);
    assert.equal(list.find((d) => d.name === mysql.name)?.lastSeenAt, events.at(-1)?.eventTime);
  });
});
