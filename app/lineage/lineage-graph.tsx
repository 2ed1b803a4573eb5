// The lineage graph as SVG: dataset boxes in hop columns with their latest status and version, curved
// edges labelled with the job that moved the data. Boxes are labelled with the table name and the kind of
// dataset; full OpenLineage names are in each box's <title> (hover) and in the table the page shows under the graph.

import type { LineageGraphView } from '../_lib/control-types';
import {
  datasetKind,
  datasetLabel,
  jobLabel,
  layoutLineage,
  NODE_HEIGHT,
  NODE_WIDTH,
} from './lineage-layout';

const STATUS_WORD: Record<string, string> = {
  START: 'running',
  RUNNING: 'running',
  COMPLETE: 'succeeded',
  FAIL: 'failed',
  ABORT: 'aborted',
  OTHER: 'other',
};

export function LineageGraphSvg({ graph }: { graph: LineageGraphView }) {
  const layout = layoutLineage(graph);
  return (
    <div className="lineage-scroll">
      <svg
        className="lineage-svg"
        // Fits the page width when it can, never enlarges, and scrolls rather than shrink text below 80 %.
        style={{ width: '100%', maxWidth: layout.width, minWidth: layout.width * 0.8 }}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="img"
        aria-label={`Lineage graph with ${layout.nodes.length} datasets and ${layout.edges.length} edges`}
        data-testid="lineage-graph"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="lineage-arrow" />
          </marker>
        </defs>
        {layout.edges.map(({ from, to, job }) => {
          const x1 = from.x + NODE_WIDTH;
          const y1 = from.y + NODE_HEIGHT / 2;
          const x2 = to.x;
          const y2 = to.y + NODE_HEIGHT / 2;
          const bend = Math.max(40, Math.abs(x2 - x1) / 2);
          return (
            <g key={`${from.node.id}|${to.node.id}|${job.id}`} className="lineage-edge" data-job={job.name}>
              <path
                d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
                markerEnd="url(#arrow)"
              />
              <text
                x={(x1 + x2) / 2}
                y={(y1 + y2) / 2 - 6}
                textAnchor="middle"
                className="lineage-edge-label"
              >
                <title>{`${job.namespace}/${job.name}: latest run ${STATUS_WORD[job.latestStatus] ?? job.latestStatus}`}</title>
                {jobLabel(job.name)}
              </text>
            </g>
          );
        })}
        {layout.nodes.map(({ node, x, y }) => (
          <g
            key={node.id}
            transform={`translate(${x},${y})`}
            className={`lineage-node lineage-node-${(STATUS_WORD[node.latestStatus] ?? 'other').replace(' ', '-')}${node.id === graph.root ? ' lineage-root' : ''}`}
            data-node={node.name}
          >
            {/* The full OpenLineage namespace and name on hover; the box says the table and where it lives. */}
            <title>{`${node.namespace} ${node.name}`}</title>
            <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={8} />
            <text x={12} y={22} className="lineage-node-name">
              {datasetLabel(node.name)}
            </text>
            <text x={12} y={40} className="lineage-node-ns">
              {datasetKind(node.namespace, node.name)}
            </text>
            <text x={12} y={62} className="lineage-node-facts">
              latest run {STATUS_WORD[node.latestStatus] ?? node.latestStatus}
              {node.latestVersion !== null ? ` · version ${node.latestVersion}` : ''}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
