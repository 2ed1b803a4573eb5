// The pure evaluation: which incidents open and close for run failures, failed checks and sync states, that an
// open incident is not opened again (one message per incident), and what leaves incidents as they are.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestFinishedRuns } from '../../server/alerts/collect-signals';
import { evaluateAlerts, type EvaluateInput } from '../../server/alerts/evaluate-alerts';
import type { AlertSignals, RunSignal } from '../../server/alerts/signals';
import type { AlertRule, Incident } from '../../server/alerts/types';
import type { RunRecord } from '../../server/store/types';

const now = new Date('2026-12-01T10:00:00.000Z');
const base = 'https://lake.county.example';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 'r1',
  name: 'rule',
  kind: 'run-failed',
  pipeline: null,
  table: null,
  minSeverity: 'error',
  channelIds: ['c1'],
  notifyRecovery: true,
  enabled: true,
  createdAt: now,
  updatedAt: now,
  ...over,
});

const run = (over: Partial<RunSignal> = {}): RunSignal => ({
  id: 'run-1',
  pipeline: 'permits',
  jobType: 'pipeline.run',
  status: 'failed',
  finishedAt: now,
  attempt: 1,
  error: 'source unreachable',
  quality: null,
  ...over,
});

const signals = (over: Partial<AlertSignals> = {}): AlertSignals => ({ runs: [], sync: [], ...over });

const evaluate = (over: Partial<EvaluateInput>) =>
  evaluateAlerts({ rules: [rule()], incidents: [], signals: signals(), now, baseUrl: base, ...over });

/** The incidents open after applying a result to the ones open before. */
function apply(before: Incident[], out: ReturnType<typeof evaluateAlerts>): Incident[] {
  const gone = new Set(
    [...out.closed.map((c) => c.incident), ...out.dropped].map((k) => `${k.ruleId}/${k.subject}`),
  );
  return [
    ...before.filter((i) => !gone.has(`${i.ruleId}/${i.subject}`)),
    ...out.opened.map((o) => o.incident),
  ];
}

describe('run-failed', () => {
  it('opens one incident with a link to the run, then stays quiet while the failure lasts', () => {
    const first = evaluate({ signals: signals({ runs: [run()] }) });
    assert.equal(first.opened.length, 1);
    const { incident, message } = first.opened[0]!;
    assert.equal(incident.subject, 'pipeline.run:permits');
    assert.equal(message?.link, `${base}/pipelines?run=run-1`);
    assert.match(message!.text, /source unreachable/);
    assert.equal(message?.severity, 'critical');

    // The next hour's run fails again: the incident is open, nothing new is sent.
    const second = evaluate({
      incidents: apply([], first),
      signals: signals({ runs: [run({ id: 'run-2', attempt: 2 })] }),
    });
    assert.deepEqual([second.opened.length, second.closed.length], [0, 0]);
  });

  it('recovers when a later run succeeds; a cancelled run, or none, changes nothing', () => {
    const open = apply([], evaluate({ signals: signals({ runs: [run()] }) }));
    assert.deepEqual(
      evaluate({ incidents: open, signals: signals({ runs: [run({ status: 'cancelled' })] }) }).closed,
      [],
    );
    assert.deepEqual(evaluate({ incidents: open, signals: signals({ runs: [] }) }).closed, []);
    const ok = evaluate({
      incidents: open,
      signals: signals({ runs: [run({ id: 'run-3', status: 'succeeded' })] }),
    });
    assert.equal(ok.closed.length, 1);
    assert.equal(ok.closed[0]!.message?.event, 'recovery');
    assert.equal(ok.closed[0]!.message?.severity, 'ok');
    assert.match(ok.closed[0]!.message!.title, /^Recovered: permits/);
    // The recovery links to the run that failed, which is what it recovered from.
    assert.equal(ok.closed[0]!.message?.link, `${base}/pipelines?run=run-1`);
  });

  it('a rule without recovery messages closes silently; a pipeline filter ignores other pipelines', () => {
    const quiet = rule({ notifyRecovery: false });
    const open = apply([], evaluate({ rules: [quiet], signals: signals({ runs: [run()] }) }));
    const ok = evaluate({
      rules: [quiet],
      incidents: open,
      signals: signals({ runs: [run({ status: 'succeeded' })] }),
    });
    assert.equal(ok.closed.length, 1);
    assert.equal(ok.closed[0]!.message, null);

    const filtered = evaluate({
      rules: [rule({ pipeline: 'roads' })],
      signals: signals({ runs: [run(), run({ pipeline: 'roads', id: 'r9', status: 'abandoned' })] }),
    });
    assert.deepEqual(
      filtered.opened.map((o) => o.incident.subject),
      ['pipeline.run:roads'],
    );
  });

  it('incidents of a disabled or deleted rule are dropped without a message', () => {
    const open = apply([], evaluate({ signals: signals({ runs: [run()] }) }));
    const out = evaluate({
      rules: [rule({ enabled: false })],
      incidents: open,
      signals: signals({ runs: [run()] }),
    });
    assert.deepEqual(out.dropped, [{ ruleId: 'r1', subject: 'pipeline.run:permits' }]);
    assert.deepEqual([out.opened.length, out.closed.length], [0, 0]);
  });
});

describe('check-failed', () => {
  const checks = (feesPassed: boolean, warnPassed: boolean) => [
    {
      table: 'fees',
      check: 'not_null(amount)',
      severity: 'error' as const,
      passed: feesPassed,
      message: '3 nulls',
    },
    {
      table: 'fees',
      check: 'row_count_change',
      severity: 'warn' as const,
      passed: warnPassed,
      message: '-40%',
    },
  ];

  it("fires on failed error checks; 'warn' rules on warnings too", () => {
    const r = run({ status: 'succeeded', quality: checks(false, false) });
    const errorsOnly = evaluate({ rules: [rule({ kind: 'check-failed' })], signals: signals({ runs: [r] }) });
    assert.deepEqual(
      errorsOnly.opened.map((o) => o.incident.subject),
      ['permits/fees/not_null(amount)'],
    );
    const both = evaluate({
      rules: [rule({ kind: 'check-failed', minSeverity: 'warn' })],
      signals: signals({ runs: [r] }),
    });
    assert.deepEqual(
      both.opened.map((o) => [o.incident.subject, o.message?.severity]),
      [
        ['permits/fees/not_null(amount)', 'critical'],
        ['permits/fees/row_count_change', 'warning'],
      ],
    );
  });

  it('clears when the latest run passes the check or no longer has it; a run without results changes nothing', () => {
    const r = rule({ kind: 'check-failed', minSeverity: 'warn' });
    const open = apply(
      [],
      evaluate({ rules: [r], signals: signals({ runs: [run({ quality: checks(false, false) })] }) }),
    );
    assert.equal(open.length, 2);
    const noResults = evaluate({
      rules: [r],
      incidents: open,
      signals: signals({ runs: [run({ quality: null })] }),
    });
    assert.deepEqual(noResults.closed, []);
    const fixed = evaluate({
      rules: [r],
      incidents: open,
      signals: signals({ runs: [run({ status: 'succeeded', quality: [checks(true, false)[0]!] })] }),
    });
    assert.deepEqual(fixed.closed.map((c) => c.incident.subject).sort(), [
      'permits/fees/not_null(amount)',
      'permits/fees/row_count_change',
    ]);
  });
});

describe('sync rules', () => {
  const table = (state: string, name = 'orders') => ({
    table: name,
    state,
    lastError: state === 'failed' ? 'MySQL gone' : null,
    lagVersions: state === 'lagging' ? 3 : 0,
    lagMinutes: state === 'lagging' ? 75 : 0,
    ageSeconds: 3 * 3600,
    freshnessLimitSeconds: 7200,
  });

  it('opens per table and kind, links to /sync, and clears on a healthy state', () => {
    const rules = [
      rule({ id: 'f', kind: 'sync-failed' }),
      rule({ id: 'l', kind: 'sync-lagging' }),
      rule({ id: 's', kind: 'table-stale' }),
    ];
    const out = evaluate({
      rules,
      signals: signals({
        sync: [table('failed', 'a'), table('lagging', 'b'), table('stale', 'c'), table('in-sync', 'd')],
      }),
    });
    assert.deepEqual(
      out.opened.map((o) => [o.rule.id, o.incident.subject, o.message?.link]),
      [
        ['f', 'a', `${base}/sync`],
        ['l', 'b', `${base}/sync`],
        ['s', 'c', `${base}/sync`],
      ],
    );
    assert.match(out.opened[1]!.message!.text, /3 Delta version\(s\) behind/);
    assert.match(out.opened[2]!.message!.text, /180 minute\(s\) old \(limit 120\)/);
    const open = apply([], out);
    const healthy = evaluate({
      rules,
      incidents: open,
      signals: signals({ sync: ['a', 'b', 'c'].map((n) => table('in-sync', n)) }),
    });
    assert.equal(healthy.closed.length, 3);
  });

  it('an unknown state counts as OK; a failed table keeps its lag incident; an unreadable status changes nothing', () => {
    const lag = rule({ kind: 'sync-lagging' });
    const open = apply([], evaluate({ rules: [lag], signals: signals({ sync: [table('lagging')] }) }));
    assert.deepEqual(
      evaluate({ rules: [lag], incidents: open, signals: signals({ sync: [table('failed')] }) }).closed,
      [],
    );
    assert.deepEqual(
      evaluate({ rules: [lag], incidents: open, signals: signals({ sync: null }) }).closed,
      [],
    );
    assert.equal(
      evaluate({ rules: [lag], incidents: open, signals: signals({ sync: [table('rebuilding')] }) }).closed
        .length,
      1,
    );
    assert.deepEqual(
      evaluate({
        rules: [rule({ kind: 'sync-failed', table: 'other' })],
        signals: signals({ sync: [table('failed')] }),
      }).opened,
      [],
    );
  });
});

describe('latestFinishedRuns', () => {
  const record = (over: Partial<RunRecord> & { results?: unknown }): RunRecord =>
    ({
      id: 'x',
      pipeline: 'permits',
      jobType: 'pipeline.run',
      trigger: 'schedule',
      attempt: 1,
      status: 'succeeded',
      scheduledFor: null,
      startedAt: now,
      finishedAt: now,
      heartbeatAt: now,
      progress: {},
      error: null,
      lockKey: null,
      worker: null,
      cancelRequested: false,
      ...over,
    }) as RunRecord;

  it('takes the newest finished run per job type and pipeline, reading check results defensively', () => {
    const latest = latestFinishedRuns([
      record({ id: 'running', status: 'running' }),
      record({
        id: 'new',
        status: 'failed',
        error: { message: 'boom' },
        results: {
          quality: [{ table: 't', check: 'c', severity: 'warn', passed: false, message: 'm' }, { junk: 1 }],
        } as unknown as RunRecord['results'],
      }),
      record({ id: 'old' }),
      record({
        id: 'sync',
        jobType: 'sync.run',
        results: { quality: 'not a list' } as unknown as RunRecord['results'],
      }),
    ]);
    assert.deepEqual(
      latest.map((r) => [r.id, r.status, r.error, r.quality?.length ?? null]),
      [
        ['new', 'failed', 'boom', 1],
        ['sync', 'succeeded', null, null],
      ],
    );
  });
});
