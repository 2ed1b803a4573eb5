'use client';
// Pick a dataset and how far to look; the graph and a table of the same nodes follow. Lineage changes only
// when a run finishes, so it loads on demand (and on Refresh) rather than polling.

import { useEffect, useState } from 'react';
import { AccessNotice } from '../_components/access-notice';
import { StatusBadge } from '../_components/status-badge';
import { api, ApiClientError } from '../_lib/api-client';
import type { LineageDatasetView, LineageGraphView } from '../_lib/control-types';
import { formatTime } from '../_lib/format';
import { can, useCurrentUser } from '../_lib/use-current-user';
import { LineageGraphSvg } from './lineage-graph';

type Direction = 'both' | 'upstream' | 'downstream';
const DEPTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const keyOf = (d: { namespace: string; name: string }) => `${d.namespace}\n${d.name}`;

// Tables first, the raw zone's per-run extract folders (one per table and run) after them: a person opening the
// page wants a table's lineage, and the first entry is what the graph shows.
const isRawExtract = (d: { name: string }) => /\/raw\//.test(d.name);
const tablesFirst = <T extends { name: string }>(list: T[]): T[] =>
  [...list].sort((a, b) => Number(isRawExtract(a)) - Number(isRawExtract(b)));

export function LineageView() {
  const user = useCurrentUser();
  const allowed = can(user, 'lineage:read');
  const [datasets, setDatasets] = useState<LineageDatasetView[]>();
  // By key, not by index: a refreshed list may order datasets differently, and the graph must not jump.
  const [picked, setPicked] = useState<string>();
  const [depth, setDepth] = useState(3);
  const [direction, setDirection] = useState<Direction>('both');
  const [graph, setGraph] = useState<LineageGraphView>();
  const [error, setError] = useState<string>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (!allowed) return;
    const controller = new AbortController();
    api
      .get<{ datasets: LineageDatasetView[] }>('/api/lineage/datasets', controller.signal)
      .then((answer) => setDatasets(tablesFirst(answer.datasets)))
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setError(messageOf(e));
      });
    return () => controller.abort();
  }, [allowed, reload]);

  const dataset = datasets?.find((d) => keyOf(d) === picked) ?? datasets?.[0];
  useEffect(() => {
    if (!dataset) return;
    const controller = new AbortController();
    const query = new URLSearchParams({
      namespace: dataset.namespace,
      name: dataset.name,
      direction,
      depth: String(depth),
    });
    api
      .get<{ graph: LineageGraphView }>(`/api/lineage?${query.toString()}`, controller.signal)
      .then((answer) => {
        setGraph(answer.graph);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setError(messageOf(e));
      });
    return () => controller.abort();
  }, [dataset, direction, depth]);

  if (!allowed) return <AccessNotice user={user} permission="lineage:read" next="/lineage" what="lineage" />;
  if (error && !datasets) {
    return (
      <p role="alert" className="form-error">
        Could not load lineage: {error}
      </p>
    );
  }
  if (!datasets) return <p className="muted">Loading datasets…</p>;
  if (datasets.length === 0) {
    return (
      <section className="notice" data-testid="lineage-empty">
        <p className="notice-label">No lineage recorded yet</p>
        <p>
          Every run the worker records sends OpenLineage events (START, then COMPLETE or FAIL) naming the
          datasets it read and wrote. Once a scheduled or manual run has happened, its datasets are listed
          here.
        </p>
      </section>
    );
  }

  const datasetNodes = graph?.nodes.filter((n) => n.kind === 'dataset') ?? [];
  return (
    <>
      <form className="lineage-controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Dataset
          <select
            value={dataset ? keyOf(dataset) : ''}
            onChange={(e) => setPicked(e.target.value)}
            name="dataset"
            aria-label="Dataset"
          >
            {datasets.map((d) => (
              <option key={keyOf(d)} value={keyOf(d)}>
                {d.name} — {d.namespace}
              </option>
            ))}
          </select>
        </label>
        <label>
          Direction
          <select
            value={direction}
            onChange={(e) => setDirection(e.target.value as Direction)}
            name="direction"
            aria-label="Direction"
          >
            <option value="both">Upstream and downstream</option>
            <option value="upstream">Upstream (where it comes from)</option>
            <option value="downstream">Downstream (what it feeds)</option>
          </select>
        </label>
        <label>
          Hops
          <select
            value={depth}
            onChange={(e) => setDepth(Number(e.target.value))}
            name="depth"
            aria-label="Hops"
          >
            {DEPTHS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </button>
      </form>
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
      {graph ? (
        <>
          <LineageGraphSvg graph={graph} />
          <h2>Datasets in this graph</h2>
          <table className="data-table" data-testid="lineage-nodes">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Namespace</th>
                <th scope="col">Latest run</th>
                <th scope="col">Version</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {datasetNodes.map((n) => (
                <tr key={n.id} data-node={n.name}>
                  <td className="wrap">
                    {n.id === graph.root ? (
                      <strong>{n.name}</strong>
                    ) : (
                      <button
                        type="button"
                        className="link-button"
                        title="Show this dataset's lineage"
                        onClick={() => {
                          const key = keyOf(n);
                          if (datasets.some((d) => keyOf(d) === key)) setPicked(key);
                        }}
                      >
                        {n.name}
                      </button>
                    )}
                  </td>
                  <td>
                    <code>{n.namespace}</code>
                  </td>
                  <td>
                    <StatusBadge status={n.latestStatus} />
                  </td>
                  <td className="wrap" data-field="version">
                    {n.latestVersion ?? '—'}
                  </td>
                  <td>{formatTime(n.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">Loading graph…</p>
      )}
    </>
  );
}

function messageOf(e: unknown): string {
  return e instanceof ApiClientError ? e.message : String(e);
}
