// Delivery's real dependencies: users' e-mail addresses in the users file (set with `npm run users -- set-email`,
// kept across password and role changes), and the worker's deps reading webhook channels from the PostgreSQL
// control store, e-mail addresses from the users file and links from PUBLIC_URL.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readUsers, setUserEmail, upsertUser } from '../../server/auth/users-file';
import { loadEnv } from '../../server/config/env';
import { deliverNotebookRun } from '../../server/delivery/deliver-run';
import {
  createDeliveryDeps,
  deliveryTargetProblems,
  webhookChannelChoices,
} from '../../server/delivery/delivery-deps';
import { deliverySettingsSchema } from '../../server/delivery/delivery-settings';
import { PostgresControlStore } from '../../server/store/postgres-control-store';
import { startWebhookReceiver, type WebhookReceiver } from '../alerts/alert-servers';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { PERMITS_SQL, writeRunFixture } from './run-fixture';

const root = path.resolve(import.meta.dirname, '..', '..');
let dir: string;
let usersFile: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'delivery-deps-'));
  usersFile = path.join(dir, 'users.json');
  await upsertUser(usersFile, { username: 'ana', password: 'pw-ana', roles: ['analyst'] });
});
after(() => rm(dir, { recursive: true, force: true }));

const usersCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/auth/users-cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, USERS_FILE: usersFile },
    encoding: 'utf8',
  });

describe('users file e-mail', () => {
  it('set-email sets, lists and removes an address; a bad address or unknown user is refused', () => {
    const set = usersCli('set-email', 'ana', 'ana@county.example');
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /e-mail of ana: ana@county\.example/);
    assert.match(usersCli('list').stdout, /^ana\tanalyst\tana@county\.example$/m);

    const bad = usersCli('set-email', 'ana', 'not-an-address');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not an e-mail address: not-an-address/);
    const unknown = usersCli('set-email', 'zed', 'zed@county.example');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no user zed/);
    const missing = usersCli('set-email', 'ana');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /set-email <name> <address\|--none>/);

    const removed = usersCli('set-email', 'ana', '--none');
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(usersCli('list').stdout, /^ana\tanalyst$/m);
  });

  it('a password or role change keeps the address; a malformed one in the file is refused by name', async () => {
    assert.equal(await setUserEmail(usersFile, 'ana', ' ana@county.example '), true);
    await upsertUser(usersFile, { username: 'ana', password: 'pw-new', roles: ['analyst', 'admin'] });
    const [ana] = await readUsers(usersFile);
    assert.equal(ana!.email, 'ana@county.example');
    assert.deepEqual(ana!.roles, ['analyst', 'admin']);
    await assert.rejects(setUserEmail(usersFile, 'ana', 'nope'), /must be an e-mail address/);
    assert.equal(await setUserEmail(usersFile, 'zed', 'zed@county.example'), false);
  });
});

describe('createDeliveryDeps', () => {
  let db: TempDatabase;
  let store: PostgresControlStore;
  let hook: WebhookReceiver;

  before(async () => {
    db = await createTempDatabase('delivery_deps');
    store = new PostgresControlStore(db.url);
    await store.init();
    hook = await startWebhookReceiver();
  });
  after(async () => {
    await hook.close();
    await store.close();
    await db.drop();
  });

  it('reads channels from the alert store, addresses from the users file, links from PUBLIC_URL', async () => {
    const now = new Date();
    const ops = await store.alerts.createChannel(
      { name: 'ops', enabled: true, type: 'webhook', format: 'json', urlEnv: 'ALERT_HOOK_OPS' },
      now,
    );
    await store.alerts.createChannel(
      { name: 'paused', enabled: false, type: 'webhook', format: 'slack', urlEnv: 'ALERT_HOOK_PAUSED' },
      now,
    );
    await store.alerts.createChannel({ name: 'desk', enabled: true, type: 'email', to: ['d@x.org'] }, now);
    assert.deepEqual(webhookChannelChoices(await store.alerts.listChannels()), [{ id: ops.id, name: 'ops' }]);

    const notebooksDir = path.join(dir, 'notebooks');
    const env = loadEnv({
      USERS_FILE: usersFile,
      NOTEBOOKS_DIR: notebooksDir,
      PUBLIC_URL: 'https://lake.county.example/',
    });
    const deps = createDeliveryDeps(env, store.alerts, { ALERT_HOOK_OPS: hook.url });
    assert.equal(deps.origin, 'https://lake.county.example');
    assert.deepEqual(await deps.findUser('ana'), { username: 'ana', email: 'ana@county.example' });
    assert.equal(await deps.findUser('nobody'), undefined);

    // What a schedule's save is refused for: targets that lead nowhere (a disabled channel is the admins' to fix).
    const desk = (await store.alerts.listChannels()).find((c) => c.name === 'desk')!;
    const paused = (await store.alerts.listChannels()).find((c) => c.name === 'paused')!;
    await upsertUser(usersFile, { username: 'bo', password: 'pw-bo', roles: ['analyst'] });
    assert.deepEqual(
      await deliveryTargetProblems(
        {
          targets: [
            { kind: 'webhook', channelId: ops.id },
            { kind: 'webhook', channelId: paused.id },
            { kind: 'webhook', channelId: desk.id },
            { kind: 'webhook', channelId: 'gone' },
            { kind: 'user', username: 'ana' },
            { kind: 'user', username: 'bo' },
            { kind: 'user', username: 'zed' },
            { kind: 'email', to: 'clerk@county.example' },
          ],
        },
        deps,
      ),
      [
        'targets.2: alert channel "desk" is not a webhook',
        'targets.3: no webhook channel gone',
        'targets.5: bo has no e-mail address (npm run users -- set-email bo <address>)',
        'targets.6: no user zed',
      ],
    );

    const { manifest } = await writeRunFixture(notebooksDir, { permits_by_month: PERMITS_SQL });
    const lines = await deliverNotebookRun(
      manifest,
      deliverySettingsSchema.parse({ targets: [{ kind: 'webhook', channelId: ops.id }] }),
      deps,
      { username: 'ana' },
    );
    assert.deepEqual(lines, [{ target: 'webhook ops', ok: true, detail: 'posted (json)' }]);
    const body = hook.received[0]!.body as { link: string; outputs: { rows: number }[] };
    assert.equal(body.link, `https://lake.county.example/workbench/permits-week?run=${manifest.runId}`);
    assert.equal(body.outputs[0]!.rows, 3);
  });
});
