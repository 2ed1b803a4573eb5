// The delivery settings editor's rules (app/_workbench/notebook/delivery-targets.ts): targets checked by the
// server's own schema with messages a person can act on, duplicates refused, outputs toggled, targets described.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addTarget,
  describeTarget,
  removeTarget,
  toggleOutput,
} from '../../app/_workbench/notebook/delivery-targets';
import { deliverySettingsSchema, type DeliverySettings } from '../../server/delivery/delivery-settings';

const empty = deliverySettingsSchema.parse({});
const added = (settings: DeliverySettings, kind: 'email' | 'user' | 'webhook', text: string) => {
  const result = addTarget(settings, kind, text);
  assert.ok('settings' in result, JSON.stringify(result));
  return result.settings;
};

describe('delivery targets', () => {
  it('adds e-mail, user and webhook targets that the server schema accepts', () => {
    let s = added(empty, 'email', '  clerk@county.example ');
    s = added(s, 'user', 'bea');
    s = added(s, 'webhook', 'c-1');
    assert.deepEqual(s.targets, [
      { kind: 'email', to: 'clerk@county.example' },
      { kind: 'user', username: 'bea' },
      { kind: 'webhook', channelId: 'c-1' },
    ]);
    assert.deepEqual(deliverySettingsSchema.parse(s), s);
    assert.deepEqual(removeTarget(s, 1).targets, [s.targets[0], s.targets[2]]);
  });

  it('refuses empty, malformed and duplicate targets with a message', () => {
    assert.deepEqual(addTarget(empty, 'email', ' '), { error: 'Type an e-mail address' });
    assert.deepEqual(addTarget(empty, 'webhook', ''), { error: 'Pick a webhook channel' });
    assert.deepEqual(addTarget(empty, 'email', 'clerk at county'), {
      error: '"clerk at county" is not an e-mail address',
    });
    assert.match((addTarget(empty, 'user', 'bea smith') as { error: string }).error, /is not a user name/);
    const s = added(empty, 'email', 'clerk@county.example');
    assert.deepEqual(addTarget(s, 'email', 'CLERK@county.example'), { error: 'Already in the list' });
    let full = empty;
    for (let i = 0; i < 20; i++) full = added(full, 'email', `p${i}@county.example`);
    assert.deepEqual(addTarget(full, 'email', 'one@more.example'), { error: 'At most 20 targets' });
  });

  it('toggles outputs (none = all) and describes targets, a vanished channel included', () => {
    const s = toggleOutput(toggleOutput(empty, 'by_month', true), 'totals', true);
    assert.deepEqual(s.outputs, ['by_month', 'totals']);
    assert.deepEqual(toggleOutput(s, 'by_month', false).outputs, ['totals']);
    const channels = [{ id: 'c-1', name: 'ops' }];
    assert.equal(describeTarget({ kind: 'webhook', channelId: 'c-1' }, channels), 'webhook ops');
    assert.match(
      describeTarget({ kind: 'webhook', channelId: 'c-9' }, channels),
      /c-9 \(deleted or disabled\)/,
    );
    assert.match(describeTarget({ kind: 'user', username: 'bea' }, channels), /^user bea/);
  });
});

describe('DeliverySettingsEditor', () => {
  it('renders the targets, the chosen format and outputs, outputs no longer in the notebook too', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server');
    const { createElement } = await import('react');
    const { DeliverySettingsEditor } = await import('../../app/_workbench/notebook/delivery-settings');
    const value = deliverySettingsSchema.parse({
      targets: [
        { kind: 'email', to: 'clerk@county.example' },
        { kind: 'webhook', channelId: 'c-9' },
      ],
      format: 'xlsx',
      outputs: ['gone'],
    });
    const html = renderToStaticMarkup(
      createElement(DeliverySettingsEditor, { value, onChange: () => {}, outputs: ['by_month'] }),
    );
    assert.match(html, /<li data-testid="delivery-target">clerk@county\.example <button/);
    assert.match(html, /webhook channel c-9 \(deleted or disabled\)/);
    assert.match(html, /checked="" value="xlsx"/);
    assert.match(html, /by_month/);
    assert.match(html, /<input type="checkbox" checked=""\/> gone/);
    assert.match(html, /Also send when the run succeeds/);
  });
});
