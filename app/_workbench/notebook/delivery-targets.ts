// The delivery settings editor's rules, pure so they are tested without a browser: a typed target checked by the
// same schema the server applies, duplicates refused, and how each target reads in the list.

import {
  deliveryTargetSchema,
  type DeliverySettings,
  type DeliveryTarget,
} from '@/server/delivery/delivery-settings';

export type TargetKind = DeliveryTarget['kind'];

export const TARGET_KINDS: { kind: TargetKind; label: string; placeholder: string }[] = [
  { kind: 'email', label: 'E-mail address', placeholder: 'name@county.example' },
  { kind: 'user', label: 'User', placeholder: 'user name' },
  { kind: 'webhook', label: 'Webhook channel', placeholder: '' },
];

const same = (a: DeliveryTarget, b: DeliveryTarget) =>
  (a.kind === 'email' && b.kind === 'email' && a.to.toLowerCase() === b.to.toLowerCase()) ||
  (a.kind === 'user' && b.kind === 'user' && a.username === b.username) ||
  (a.kind === 'webhook' && b.kind === 'webhook' && a.channelId === b.channelId);

/** The settings with one more target, or why it cannot be added (a message a person can act on). */
export function addTarget(
  settings: DeliverySettings,
  kind: TargetKind,
  text: string,
): { settings: DeliverySettings } | { error: string } {
  const value = text.trim();
  if (!value)
    return {
      error:
        kind === 'email'
          ? 'Type an e-mail address'
          : kind === 'user'
            ? 'Type a user name'
            : 'Pick a webhook channel',
    };
  const input =
    kind === 'email'
      ? { kind, to: value }
      : kind === 'user'
        ? { kind, username: value }
        : { kind, channelId: value };
  const parsed = deliveryTargetSchema.safeParse(input);
  if (!parsed.success)
    return {
      error:
        kind === 'email'
          ? `"${value}" is not an e-mail address`
          : kind === 'user'
            ? `"${value}" is not a user name (letters, digits, "_", ".", "@" or "-")`
            : 'Pick a webhook channel from the list',
    };
  if (settings.targets.some((t) => same(t, parsed.data))) return { error: 'Already in the list' };
  if (settings.targets.length >= 20) return { error: 'At most 20 targets' };
  return { settings: { ...settings, targets: [...settings.targets, parsed.data] } };
}

export function removeTarget(settings: DeliverySettings, index: number): DeliverySettings {
  return { ...settings, targets: settings.targets.filter((_, i) => i !== index) };
}

/** Toggles an output; none chosen means every output of the run. */
export function toggleOutput(settings: DeliverySettings, name: string, on: boolean): DeliverySettings {
  const rest = settings.outputs.filter((o) => o !== name);
  return { ...settings, outputs: on ? [...rest, name] : rest };
}

export function describeTarget(target: DeliveryTarget, channels: { id: string; name: string }[]): string {
  if (target.kind === 'email') return target.to;
  if (target.kind === 'user') return `user ${target.username} (their e-mail in the users file)`;
  const channel = channels.find((c) => c.id === target.channelId);
  return channel ? `webhook ${channel.name}` : `webhook channel ${target.channelId} (deleted or disabled)`;
}
