// One alerts pass, run by the worker after each run and on a timer: evaluate the rules against the signals,
// open and close incidents (each with its deliveries, in one store step), then send every unsent delivery. A
// send that fails is recorded and retried on the next pass; nothing here throws into the worker. The pass takes
// the control store lock `alerts`, so two workers never evaluate or send at the same time.

import type { ControlStore } from '../store/control-store';
import { collectSignals, type SyncReportLike } from './collect-signals';
import { evaluateAlerts, type IncidentChange } from './evaluate-alerts';
import { sendMessage, type SendEffects } from './send-message';
import type { AlertChannel, NewDelivery } from './types';

export interface AlertTickDeps extends SendEffects {
  store: ControlStore;
  /** The sync status report (getSyncStatusReport); null where no MySQL target is configured. */
  readSyncStatus: (() => Promise<SyncReportLike>) | null;
  baseUrl: string;
  maxAttempts: number;
  /** Who holds the `alerts` lock while a pass runs (the worker's name). */
  owner: string;
  log: (line: string) => void;
}

export interface TickResult {
  skipped: boolean;
  opened: number;
  closed: number;
  sent: number;
  failed: number;
}

export const ALERTS_LOCK = 'alerts';
const LOCK_TTL_MS = 5 * 60_000;

function deliveriesFor(
  change: IncidentChange,
  channels: Map<string, AlertChannel>,
  now: Date,
): NewDelivery[] {
  if (!change.message) return [];
  const out: NewDelivery[] = [];
  for (const id of change.rule.channelIds) {
    const channel = channels.get(id);
    if (!channel?.enabled) continue;
    out.push({
      ruleId: change.rule.id,
      channelId: channel.id,
      channelName: channel.name,
      message: change.message,
      createdAt: now,
    });
  }
  return out;
}

async function evaluateAndRecord(deps: AlertTickDeps, result: TickResult): Promise<void> {
  const { store } = deps;
  const [rules, channels, incidents] = await Promise.all([
    store.alerts.listRules(),
    store.alerts.listChannels(),
    store.alerts.listOpenIncidents(),
  ]);
  const byId = new Map(channels.map((c) => [c.id, c]));
  const needsSync = rules.some((r) => r.enabled && r.kind !== 'run-failed' && r.kind !== 'check-failed');
  const signals = await collectSignals(store, needsSync ? deps.readSyncStatus : null, deps.log);
  const now = deps.now();
  const changes = evaluateAlerts({ rules, incidents, signals, now, baseUrl: deps.baseUrl });
  for (const key of changes.dropped) await store.alerts.closeIncident(key, []);
  for (const change of changes.opened) {
    if (await store.alerts.openIncident(change.incident, deliveriesFor(change, byId, now))) {
      result.opened++;
      deps.log(`[alerts] incident opened: ${change.incident.title}`);
    }
  }
  for (const change of changes.closed) {
    if (await store.alerts.closeIncident(change.incident, deliveriesFor(change, byId, now))) {
      result.closed++;
      deps.log(`[alerts] incident cleared: ${change.incident.title}`);
    }
  }
}

async function sendUnsent(deps: AlertTickDeps, result: TickResult): Promise<void> {
  const { store } = deps;
  const unsent = await store.alerts.listUnsentDeliveries(200);
  if (unsent.length === 0) return;
  const channels = new Map((await store.alerts.listChannels()).map((c) => [c.id, c]));
  // A channel that failed once in this pass is not tried again until the next one, so a receiver that is down
  // costs one timeout per pass, not one per queued message (the pass holds the `alerts` lock meanwhile).
  const down = new Set<string>();
  for (const delivery of unsent) {
    if (down.has(delivery.channelId)) continue;
    const channel = channels.get(delivery.channelId);
    const final = delivery.attempts + 1 >= deps.maxAttempts;
    if (!channel) {
      await store.alerts.recordAttempt(delivery.id, {
        ok: false,
        at: deps.now(),
        error: 'the channel was deleted',
        final: true,
      });
      result.failed++;
      continue;
    }
    try {
      await sendMessage(channel, delivery.message, deps);
      await store.alerts.recordAttempt(delivery.id, { ok: true, at: deps.now(), final: true });
      result.sent++;
    } catch (error) {
      const message = (error as Error).message;
      down.add(channel.id);
      await store.alerts.recordAttempt(delivery.id, { ok: false, at: deps.now(), error: message, final });
      result.failed++;
      deps.log(
        `[alerts] sending "${delivery.message.title}" to ${channel.name} failed` +
          `${final ? ' for the last time' : '; retried on the next check'}: ${message}`,
      );
    }
  }
}

/** One pass; never throws (failures are logged, and unsent messages stay queued). */
export async function runAlertTick(deps: AlertTickDeps): Promise<TickResult> {
  const result: TickResult = { skipped: false, opened: 0, closed: 0, sent: 0, failed: 0 };
  const { store } = deps;
  try {
    if (!(await store.acquireLock(ALERTS_LOCK, deps.owner, LOCK_TTL_MS, deps.now()))) {
      return { ...result, skipped: true };
    }
  } catch (error) {
    deps.log(`[alerts] check skipped, control store unreachable: ${(error as Error).message}`);
    return { ...result, skipped: true };
  }
  try {
    await evaluateAndRecord(deps, result).catch((error: Error) =>
      deps.log(`[alerts] evaluation failed: ${error.message}`),
    );
    await sendUnsent(deps, result).catch((error: Error) =>
      deps.log(`[alerts] sending failed: ${error.message}`),
    );
  } finally {
    await store
      .releaseLock(ALERTS_LOCK, deps.owner)
      .catch((error: Error) => deps.log(`[alerts] lock release failed: ${error.message}`));
  }
  return result;
}
