// One contract for every AlertStore (ControlStore.alerts): PostgreSQL runs it always, MongoDB when MONGODB_URL
// is set. Each test gets a fresh, initialised control store.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AlertStore } from '../../server/alerts/alert-store';
import type { AlertMessage, NewDelivery, NewRule } from '../../server/alerts/types';
import type { ControlStore } from '../../server/store/control-store';

export interface AlertStoreFixture {
  store: ControlStore;
  cleanup(): Promise<void>;
}

const t0 = new Date('2026-12-01T08:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const message = (title: string): AlertMessage => ({
  event: 'open',
  severity: 'critical',
  kind: 'run-failed',
  subject: 'pipeline.run:permits',
  title,
  text: 'boom',
  link: 'http://app.example/pipelines?run=1',
});

const rule = (over: Partial<NewRule> = {}): NewRule => ({
  name: 'runs',
  kind: 'run-failed',
  pipeline: null,
  table: null,
  minSeverity: 'error',
  channelIds: [],
  notifyRecovery: true,
  enabled: true,
  ...over,
});

export function runAlertStoreContract(name: string, open: () => Promise<AlertStoreFixture>): void {
  describe(`AlertStore contract: ${name}`, () => {
    let fixture: AlertStoreFixture;
    let alerts: AlertStore;
    beforeEach(async () => {
      fixture = await open();
      await fixture.store.init();
      alerts = fixture.store.alerts;
    });
    afterEach(async () => {
      await fixture.store.close();
      await fixture.cleanup();
    });

    const delivery = (ruleId: string, channelId: string, title: string, seconds = 0): NewDelivery => ({
      ruleId,
      channelId,
      channelName: 'ops',
      message: message(title),
      createdAt: at(seconds),
    });

    it('creates, lists, edits and deletes channels of both types', async () => {
      const hook = await alerts.createChannel(
        { type: 'webhook', name: 'ops', enabled: true, format: 'slack', urlEnv: 'ALERT_WEBHOOK_OPS' },
        at(0),
      );
      const mail = await alerts.createChannel(
        { type: 'email', name: 'admins', enabled: true, to: ['a@example.org'] },
        at(1),
      );
      assert.deepEqual(
        (await alerts.listChannels()).map((c) => c.name),
        ['admins', 'ops'],
      );
      assert.deepEqual(await alerts.getChannel(hook.id), hook);
      const edited = await alerts.updateChannel(
        hook.id,
        { type: 'webhook', name: 'ops', enabled: false, format: 'teams-adaptive', urlEnv: 'ALERT_TEAMS' },
        at(5),
      );
      assert.equal(edited?.enabled, false);
      assert.equal(edited?.type === 'webhook' && edited.urlEnv, 'ALERT_TEAMS');
      assert.equal(edited?.createdAt.getTime(), at(0).getTime());
      assert.equal(edited?.updatedAt.getTime(), at(5).getTime());
      assert.equal(await alerts.deleteChannel(mail.id), true);
      assert.equal(await alerts.deleteChannel(mail.id), false);
      assert.equal(await alerts.getChannel(mail.id), null);
      assert.equal(
        await alerts.updateChannel(
          mail.id,
          { type: 'email', name: 'x', enabled: true, to: ['b@x.org'] },
          at(6),
        ),
        null,
      );
    });

    it('opens an incident once: the second open queues nothing', async () => {
      const r = await alerts.createRule(rule(), at(0));
      const incident = {
        ruleId: r.id,
        subject: 'pipeline.run:permits',
        kind: 'run-failed' as const,
        openedAt: at(1),
        title: 'permits failed',
        link: 'http://app.example/pipelines?run=1',
      };
      assert.equal(await alerts.openIncident(incident, [delivery(r.id, r.id, 'first')]), true);
      assert.equal(await alerts.openIncident(incident, [delivery(r.id, r.id, 'again')]), false);
      assert.deepEqual(await alerts.listOpenIncidents(), [incident]);
      assert.deepEqual(
        (await alerts.listUnsentDeliveries()).map((d) => d.message.title),
        ['first'],
      );

      assert.equal(await alerts.closeIncident(incident, [delivery(r.id, r.id, 'recovered', 2)]), true);
      assert.equal(await alerts.closeIncident(incident, [delivery(r.id, r.id, 'twice', 3)]), false);
      assert.deepEqual(await alerts.listOpenIncidents(), []);
      assert.deepEqual(
        (await alerts.listUnsentDeliveries()).map((d) => d.message.title),
        ['first', 'recovered'],
      );
    });

    it("deleting a rule closes its incidents silently; a rule's new kind starts over", async () => {
      const a = await alerts.createRule(rule({ name: 'a' }), at(0));
      const b = await alerts.createRule(rule({ name: 'b', kind: 'sync-failed' }), at(0));
      const base = { kind: 'run-failed' as const, openedAt: at(1), title: 't', link: 'l' };
      await alerts.openIncident({ ...base, ruleId: a.id, subject: 'x' }, []);
      await alerts.openIncident({ ...base, ruleId: b.id, subject: 'orders', kind: 'sync-failed' }, []);
      assert.equal(await alerts.deleteRule(a.id), true);
      assert.deepEqual(
        (await alerts.listOpenIncidents()).map((i) => i.subject),
        ['orders'],
      );
      assert.equal(await alerts.openIncident({ ...base, ruleId: a.id, subject: 'y' }, []), false);
      const changed = await alerts.updateRule(b.id, rule({ name: 'b', kind: 'sync-lagging' }), at(2));
      assert.equal(changed?.kind, 'sync-lagging');
      assert.deepEqual(await alerts.listOpenIncidents(), []);
      assert.equal(await alerts.getRule(a.id), null);
      assert.equal(await alerts.updateRule(a.id, rule(), at(3)), null);
    });

    it('keeps rule settings and records attempts: retrying stays unsent, sent and failed leave the queue', async () => {
      const r = await alerts.createRule(
        rule({
          kind: 'check-failed',
          pipeline: 'permits',
          table: 'fees',
          minSeverity: 'warn',
          notifyRecovery: false,
        }),
        at(0),
      );
      const got = await alerts.getRule(r.id);
      assert.deepEqual(
        [got?.pipeline, got?.table, got?.minSeverity, got?.notifyRecovery],
        ['permits', 'fees', 'warn', false],
      );
      const [one, two, three] = await alerts.addDeliveries([
        delivery(r.id, r.id, 'one', 1),
        delivery(r.id, r.id, 'two', 2),
        delivery(r.id, r.id, 'three', 3),
      ]);
      await alerts.recordAttempt(one!.id, { ok: false, at: at(10), error: 'HTTP 500', final: false });
      await alerts.recordAttempt(two!.id, { ok: true, at: at(10), final: true });
      await alerts.recordAttempt(three!.id, { ok: false, at: at(10), error: 'gone', final: true });
      const unsent = await alerts.listUnsentDeliveries();
      assert.deepEqual(
        unsent.map((d) => [d.message.title, d.status, d.attempts, d.error]),
        [['one', 'retrying', 1, 'HTTP 500']],
      );
      await alerts.recordAttempt(one!.id, { ok: true, at: at(20), final: true });
      const history = await alerts.listDeliveries();
      assert.deepEqual(
        history.map((d) => [d.message.title, d.status, d.attempts, d.error, d.sentAt?.getTime() ?? null]),
        [
          ['three', 'failed', 1, 'gone', null],
          ['two', 'sent', 1, null, at(10).getTime()],
          ['one', 'sent', 2, null, at(20).getTime()],
        ],
      );
      assert.deepEqual(await alerts.listUnsentDeliveries(), []);
      assert.equal((await alerts.listDeliveries({ limit: 1 })).length, 1);
    });
  });
}
