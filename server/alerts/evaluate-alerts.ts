// The alert evaluation, pure: rules + open incidents + signals in, incident changes (each with its message)
// out. An incident opens once when its condition starts and closes once when it clears; while it lasts nothing
// is sent again. A signal that says nothing about a condition (no run yet, a cancelled run, a run without
// check results, an unreadable sync status) leaves its incidents as they are.

import type { AlertSignals, RunSignal, SyncTableSignal } from './signals';
import type { AlertMessage, AlertRule, Incident, IncidentKey, RuleKind } from './types';

export interface EvaluateInput {
  rules: AlertRule[];
  incidents: Incident[];
  signals: AlertSignals;
  now: Date;
  /** Base URL of the web app for links (PUBLIC_URL), without a trailing slash. */
  baseUrl: string;
}

export interface IncidentChange {
  incident: Incident;
  /** The message to send; null for a recovery whose rule does not notify recoveries. */
  message: AlertMessage | null;
  rule: AlertRule;
}

export interface EvaluateOutput {
  opened: IncidentChange[];
  closed: IncidentChange[];
  /** Incidents of rules deleted or disabled: closed without a message. */
  dropped: IncidentKey[];
}

/** What one rule sees now: the conditions that hold, and the subjects it knows are fine. */
interface Observation {
  firing: Map<string, { title: string; text: string; link: string; severity: 'critical' | 'warning' }>;
  clear: Set<string>;
  /** check-failed: pipelines whose latest run has check results, so any check of theirs not firing is clear. */
  clearPipelines?: Set<string>;
}

const keyOf = (k: IncidentKey) => `${k.ruleId}\u0000${k.subject}`;

const FAILED_RUN = new Set(['failed', 'abandoned']);

function runLink(baseUrl: string, run: RunSignal): string {
  return `${baseUrl}/pipelines?run=${encodeURIComponent(run.id)}`;
}

function observeRuns(rule: AlertRule, runs: RunSignal[], baseUrl: string): Observation {
  const obs: Observation = { firing: new Map(), clear: new Set() };
  for (const run of runs) {
    if (rule.pipeline !== null && run.pipeline !== rule.pipeline) continue;
    const subject = `${run.jobType}:${run.pipeline}`;
    if (FAILED_RUN.has(run.status)) {
      obs.firing.set(subject, {
        severity: 'critical',
        title: `${run.pipeline}: ${run.jobType} run ${run.status}`,
        text:
          `The ${run.jobType} run of ${run.pipeline} (attempt ${run.attempt}) ${run.status}` +
          `${run.finishedAt ? ` at ${run.finishedAt.toISOString()}` : ''}: ${run.error ?? 'no error recorded'}`,
        link: runLink(baseUrl, run),
      });
    } else if (run.status === 'succeeded') obs.clear.add(subject);
  }
  return obs;
}

function observeChecks(rule: AlertRule, runs: RunSignal[], baseUrl: string): Observation {
  const obs: Observation = { firing: new Map(), clear: new Set(), clearPipelines: new Set() };
  for (const run of runs) {
    if (rule.pipeline !== null && run.pipeline !== rule.pipeline) continue;
    if (run.quality === null || run.jobType !== 'pipeline.run') continue;
    for (const check of run.quality) {
      if (rule.table !== null && check.table !== rule.table) continue;
      const subject = `${run.pipeline}/${check.table}/${check.check}`;
      const counts = !check.passed && (check.severity === 'error' || rule.minSeverity === 'warn');
      if (!counts) {
        obs.clear.add(subject);
        continue;
      }
      obs.firing.set(subject, {
        severity: check.severity === 'error' ? 'critical' : 'warning',
        title: `${check.table}: check ${check.check} failed (${check.severity})`,
        text: `Run of ${run.pipeline}: ${check.message}`,
        link: runLink(baseUrl, run),
      });
    }
    // A check that no longer appears in the latest run's results (removed from the definition) is clear too.
    obs.clearPipelines?.add(run.pipeline);
  }
  return obs;
}

const SYNC_CONDITION: Record<'sync-failed' | 'sync-lagging' | 'table-stale', string> = {
  'sync-failed': 'failed',
  'sync-lagging': 'lagging',
  'table-stale': 'stale',
};

function describeSync(kind: RuleKind, t: SyncTableSignal): { title: string; text: string } {
  if (kind === 'sync-failed')
    return { title: `${t.table}: MySQL sync failed`, text: t.lastError ?? 'The last sync failed.' };
  if (kind === 'sync-lagging')
    return {
      title: `${t.table}: MySQL sync lagging`,
      text:
        `MySQL is ${t.lagVersions ?? '?'} Delta version(s) behind` +
        `${t.lagMinutes !== null ? `, the oldest unsynced commit ${t.lagMinutes} minute(s) old` : ''}.`,
    };
  const age = t.ageSeconds != null ? `${Math.round(t.ageSeconds / 60)} minute(s) old` : 'older than allowed';
  const limit = t.freshnessLimitSeconds != null ? ` (limit ${Math.round(t.freshnessLimitSeconds / 60)})` : '';
  return { title: `${t.table}: data stale`, text: `The table's data is ${age}${limit}.` };
}

function observeSync(
  rule: AlertRule & { kind: keyof typeof SYNC_CONDITION },
  tables: SyncTableSignal[],
  baseUrl: string,
): Observation {
  const obs: Observation = { firing: new Map(), clear: new Set() };
  const wanted = SYNC_CONDITION[rule.kind];
  for (const t of tables) {
    if (rule.table !== null && t.table !== rule.table) continue;
    if (t.state === wanted) {
      const { title, text } = describeSync(rule.kind, t);
      const severity = rule.kind === 'sync-failed' ? 'critical' : 'warning';
      obs.firing.set(t.table, { title, text, link: `${baseUrl}/sync`, severity });
    } else if (t.state !== 'failed') {
      // A failed table says nothing about its lag or age: those incidents wait for a state that does.
      obs.clear.add(t.table);
    }
  }
  return obs;
}

function observe(rule: AlertRule, signals: AlertSignals, baseUrl: string): Observation | null {
  switch (rule.kind) {
    case 'run-failed':
      return observeRuns(rule, signals.runs, baseUrl);
    case 'check-failed':
      return observeChecks(rule, signals.runs, baseUrl);
    default:
      return signals.sync === null
        ? null
        : observeSync(rule as AlertRule & { kind: keyof typeof SYNC_CONDITION }, signals.sync, baseUrl);
  }
}

function isClear(obs: Observation, incident: Incident): boolean {
  if (obs.firing.has(incident.subject)) return false;
  if (obs.clear.has(incident.subject)) return true;
  // check-failed: the pipeline's latest run has results and this check is not among the failing ones.
  return obs.clearPipelines?.has(incident.subject.slice(0, incident.subject.indexOf('/'))) ?? false;
}

export function evaluateAlerts(input: EvaluateInput): EvaluateOutput {
  const out: EvaluateOutput = { opened: [], closed: [], dropped: [] };
  const active = new Map(input.rules.filter((r) => r.enabled).map((r) => [r.id, r]));
  const open = new Map(input.incidents.map((i) => [keyOf(i), i]));
  for (const incident of input.incidents) {
    if (!active.has(incident.ruleId))
      out.dropped.push({ ruleId: incident.ruleId, subject: incident.subject });
  }
  for (const rule of active.values()) {
    const obs = observe(rule, input.signals, input.baseUrl);
    if (obs === null) continue;
    for (const [subject, fire] of obs.firing) {
      if (open.has(keyOf({ ruleId: rule.id, subject }))) continue;
      const incident: Incident = {
        ruleId: rule.id,
        subject,
        kind: rule.kind,
        openedAt: input.now,
        title: fire.title,
        link: fire.link,
      };
      const message: AlertMessage = { event: 'open', kind: rule.kind, subject, ...fire };
      out.opened.push({ incident, message, rule });
    }
    for (const incident of input.incidents) {
      if (incident.ruleId !== rule.id || !isClear(obs, incident)) continue;
      const message: AlertMessage | null = rule.notifyRecovery
        ? {
            event: 'recovery',
            severity: 'ok',
            kind: rule.kind,
            subject: incident.subject,
            title: `Recovered: ${incident.title}`,
            text: `Open since ${incident.openedAt.toISOString()}; cleared at ${input.now.toISOString()}.`,
            link: incident.link,
          }
        : null;
      out.closed.push({ incident, message, rule });
    }
  }
  return out;
}
