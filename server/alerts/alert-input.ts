// What admins may send for a channel or a rule (the API validates with these). A webhook channel names the
// environment variable of its URL; sending a URL itself is refused, so no secret reaches the control DB.

import { z } from 'zod';
import { urlEnvSchema } from './channel-secrets';
import { RULE_KINDS, WEBHOOK_FORMATS, type NewChannel, type NewRule } from './types';

const name = z.string().trim().min(1, 'must not be empty').max(100);

export const channelInput = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      name,
      enabled: z.boolean().default(true),
      format: z.enum(WEBHOOK_FORMATS).default('json'),
      urlEnv: urlEnvSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('email'),
      name,
      enabled: z.boolean().default(true),
      to: z
        .array(z.string().trim().email('must be an e-mail address'))
        .min(1, 'needs at least one address')
        .max(50),
    })
    .strict(),
]) satisfies z.ZodType<NewChannel, unknown>;

const optionalName = z
  .string()
  .trim()
  .max(200)
  .nullish()
  .transform((v) => (v ? v : null));

export const ruleInput = z
  .object({
    name,
    kind: z.enum(RULE_KINDS),
    pipeline: optionalName,
    table: optionalName,
    minSeverity: z.enum(['error', 'warn']).default('error'),
    channelIds: z.array(z.string().uuid('must be a channel id')).max(20).default([]),
    notifyRecovery: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .strict() satisfies z.ZodType<NewRule, unknown>;
