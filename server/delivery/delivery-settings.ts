// Where a scheduled notebook's results go (issue 15): e-mail to addresses or users, or the admins' alert webhook
// channels (by id: a webhook URL is a secret kept in the environment, never typed into a schedule). Attachments
// are the run's stored outputs as CSV or Excel, or only a link to the stored run. A failed run always notifies
// the notebook's owner (their e-mail in the users file), whatever is set here.

import { z } from 'zod';

export const DELIVERY_FORMATS = ['csv', 'xlsx', 'link'] as const;
export type DeliveryFormat = (typeof DELIVERY_FORMATS)[number];

export const deliveryTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), to: z.string().trim().email().max(254) }),
  /** A user of the users file: their e-mail is looked up at delivery time. */
  z.object({ kind: z.literal('user'), username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/) }),
  /** An alert channel of type webhook, managed by admins on the Alerts page. */
  z.object({ kind: z.literal('webhook'), channelId: z.string().min(1).max(64) }),
]);
export type DeliveryTarget = z.infer<typeof deliveryTargetSchema>;

export const deliverySettingsSchema = z.object({
  targets: z.array(deliveryTargetSchema).max(20).default([]),
  format: z.enum(DELIVERY_FORMATS).default('csv'),
  /** Output (cell result) names to attach; empty = every output of the run. */
  outputs: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/))
    .max(50)
    .default([]),
  /** Send on success too (failures always reach the owner). */
  onSuccess: z.boolean().default(true),
});
export type DeliverySettings = z.infer<typeof deliverySettingsSchema>;
