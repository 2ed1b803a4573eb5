// The rows of each table as lazy iterables, in id order. Nothing is materialised: each row is generated when
// the COPY stream asks for it.

import { type GeneratorContext } from './context';
import { generateInspections } from './generate-inspections';
import { generateParcel, parcelRow } from './generate-parcels';
import { generatePermitCore, generatePermitRow } from './generate-permits';
import { generateRequestRow } from './generate-requests';
import { Rng } from './random';
import type { CopyValue } from './copy-text';

type Row = CopyValue[];

export function* generateParcelRows(ctx: GeneratorContext): Generator<Row> {
  const rng = new Rng(0);
  for (let id = 1; id <= ctx.parcelCount; id++) yield parcelRow(generateParcel(ctx, id, rng));
}

export function* generatePermitRows(ctx: GeneratorContext): Generator<Row> {
  const rng = new Rng(0);
  const parcelRng = new Rng(0);
  for (let id = 1; id <= ctx.permitCount; id++) yield generatePermitRow(ctx, id, rng, parcelRng);
}

/** Inspections of every permit in permit order, numbered from 1; tally.count ends as the number generated. */
export function* generateInspectionRows(ctx: GeneratorContext, tally: { count: number }): Generator<Row> {
  const rng = new Rng(0);
  const parcelRng = new Rng(0);
  const inspectionRng = new Rng(0);
  for (let permitId = 1; permitId <= ctx.permitCount; permitId++) {
    const permit = generatePermitCore(ctx, permitId, rng, parcelRng);
    for (const row of generateInspections(ctx, permit, inspectionRng)) {
      row[0] = ++tally.count;
      yield row;
    }
  }
}

export function* generateRequestRows(ctx: GeneratorContext, count: number): Generator<Row> {
  const rng = new Rng(0);
  const parcelRng = new Rng(0);
  for (let id = 1; id <= count; id++) yield generateRequestRow(ctx, id, count, rng, parcelRng);
}
