// An hour at the assessor's office: a few parcels sell (new owner, reassessed at the sale price) and, now and
// then, a lot split records new parcels.

import {
  type ChangeContext,
  type JsonRow,
  type TableChangeCounts,
  dayFromNow,
  insertNewRows,
  updateJsonRows,
} from './change-context';
import { generateParcel, parcelRow } from './generate-parcels';
import { COLUMNS } from './schema';

interface SoldParcel {
  parcel_id: string;
  assessed_land_value: string;
  assessed_improvement_value: string;
}

function recordSale(ctx: ChangeContext, p: SoldParcel, now: string): JsonRow {
  const { rng, gen } = ctx;
  const land = Number(p.assessed_land_value);
  const improvement = Number(p.assessed_improvement_value);
  const price = Math.round(((land + improvement) * rng.float(1.05, 1.6)) / 500) * 500;
  const landShare = land + improvement > 0 ? land / (land + improvement) : 1;
  const owner = rng.chance(0.1)
    ? rng.pick(gen.pools.businesses)
    : `${rng.pick(gen.pools.lastNames).toUpperCase()}, ${rng.pick(gen.pools.firstNames).toUpperCase()}`;
  return {
    parcel_id: Number(p.parcel_id),
    owner_name: owner,
    owner_mailing_address: null,
    last_sale_date: dayFromNow(ctx, 0),
    last_sale_price: price.toFixed(2),
    // Proposition 13: a sale resets the assessed value to the price.
    assessed_land_value: (price * landShare).toFixed(2),
    assessed_improvement_value: (price * (1 - landShare)).toFixed(2),
    updated_at: now,
  };
}

export async function changeParcels(ctx: ChangeContext): Promise<TableChangeCounts> {
  const now = ctx.now.toISOString();
  const wanted = Math.max(1, Math.round(ctx.sizes.parcels * 0.0003 * ctx.rng.float(0.7, 1.3)));
  const picked = new Set<number>();
  for (let i = 0; i < wanted * 2 && picked.size < wanted; i++)
    picked.add(ctx.rng.int(1, ctx.gen.parcelCount));
  const sold = await ctx.client.query<SoldParcel>(
    `SELECT parcel_id, assessed_land_value, assessed_improvement_value FROM parcels
      WHERE parcel_id = ANY($1::bigint[]) AND updated_at < $2 ORDER BY parcel_id`,
    [[...picked], ctx.now],
  );
  const updated = await updateJsonRows(
    ctx,
    'parcels',
    sold.rows.map((p) => recordSale(ctx, p, now)),
  );
  // Lot splits are rare: about one an hour per 20,000 parcels.
  const splits = Math.floor(ctx.sizes.parcels / 20_000 + ctx.rng.next());
  const inserted = await insertNewRows(ctx, 'parcels', splits, (id, parcelRng) => {
    const values = parcelRow({
      ...generateParcel(ctx.gen, id, parcelRng),
      lastSaleMs: null,
      lastSalePrice: null,
      createdMs: ctx.nowMs,
      updatedMs: ctx.nowMs,
    });
    return Object.fromEntries(COLUMNS.parcels.map((c, i) => [c, values[i] ?? null])) as JsonRow;
  });
  return { inserted, updated, deleted: 0 };
}
