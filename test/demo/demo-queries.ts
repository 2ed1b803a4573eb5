// SQL the demo tests share: content digests (to compare databases) and orphan counts (to check foreign keys).

import { DEMO_TABLES, type DemoTable, PRIMARY_KEYS } from '../../pipelines/demo/schema';
import { queryRows } from '../support/postgres';

/** md5 of every table's rows in key order: equal digests mean identical content. */
export async function tableDigests(url: string): Promise<Record<DemoTable, string>> {
  const selects = DEMO_TABLES.map(
    (t) =>
      `(SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x.${PRIMARY_KEYS[t]}), '')) FROM ${t} x) AS ${t}`,
  );
  const [row] = await queryRows<Record<DemoTable, string>>(url, `SELECT ${selects.join(', ')}`);
  if (!row) throw new Error('no digest row');
  return row;
}

/** Rows whose parent is missing, per child table; all zero when referential integrity holds. */
export const FK_ORPHANS_SQL = `SELECT
  (SELECT count(*) FROM building_permits p WHERE NOT EXISTS (SELECT 1 FROM parcels x WHERE x.parcel_id = p.parcel_id)) AS permits,
  (SELECT count(*) FROM inspections i WHERE NOT EXISTS (SELECT 1 FROM building_permits x WHERE x.permit_id = i.permit_id)) AS inspections,
  (SELECT count(*) FROM service_requests r WHERE r.parcel_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM parcels x WHERE x.parcel_id = r.parcel_id)) AS requests`;
