// A reconcile run's findings on its run page: per table, the rows on each side, the chunks that differed, the keys
// that differ by kind (the first ones listed), the columns left out of the comparison, and what a repair wrote.

import type { RunView } from '../_lib/control-types';

type ReconcileView = NonNullable<NonNullable<RunView['results']>['reconcile']>[number];

const ISSUE_LABEL = {
  missing_in_delta: 'missing in Delta',
  missing_in_source: 'missing in the source',
  different: 'different',
} as const;

function describeRepair(repair: ReconcileView['repair']): string {
  if (!repair) return 'compare only';
  if (repair.version === null) return 'nothing to repair';
  return `version ${repair.version}: ${repair.rowsReextracted} re-extracted, ${repair.rowsDeleted} deleted`;
}

export function RunReconcile({ tables }: { tables: ReconcileView[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="run-reconcile">
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col" className="num">
              Source rows
            </th>
            <th scope="col" className="num">
              Delta rows
            </th>
            <th scope="col" className="num">
              Chunks differing
            </th>
            <th scope="col" className="num">
              Keys differing
            </th>
            <th scope="col">Repair</th>
            <th scope="col">Keys</th>
          </tr>
        </thead>
        <tbody>
          {tables.map((table) => (
            <tr key={table.table} data-table={table.table}>
              <td>{table.table}</td>
              <td className="num">{table.sourceRows}</td>
              <td className="num">{table.deltaRows}</td>
              <td className="num">
                {table.differingChunks} of {table.chunks}
              </td>
              <td className="num">{table.differingKeys}</td>
              <td>{table.error ? `failed: ${table.error}` : describeRepair(table.repair)}</td>
              <td>
                {table.keys.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <details>
                    <summary>
                      {table.missingInDelta} missing in Delta, {table.missingInSource} missing in the source,{' '}
                      {table.different} different
                      {table.differingKeys > table.keys.length ? ` (first ${table.keys.length} listed)` : ''}
                    </summary>
                    <ul>
                      {table.keys.map((key) => (
                        <li key={key.key}>
                          <code>{key.key}</code> {ISSUE_LABEL[key.issue]}
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
                {table.columnsSkipped.length > 0 ? (
                  <p className="muted">
                    Not compared:{' '}
                    {table.columnsSkipped.map((skip) => `${skip.column} (${skip.reason})`).join(', ')}
                  </p>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
