// The alerts routes' rows of the route × caller table (route-authorization.test.ts spreads them in): admins
// only. The admin's POSTs create the channel and rule that the later rows edit, test and delete; other callers
// are refused before the id is looked at.

import assert from 'node:assert/strict';
import * as historyRoute from '../../app/api/alerts/history/route';
import * as channelTestRoute from '../../app/api/alerts/channels/[id]/test/route';
import * as channelRoute from '../../app/api/alerts/channels/[id]/route';
import * as channelsRoute from '../../app/api/alerts/channels/route';
import * as ruleRoute from '../../app/api/alerts/rules/[id]/route';
import * as rulesRoute from '../../app/api/alerts/rules/route';
import * as webhookChannelsRoute from '../../app/api/alerts/webhook-channels/route';
import { only, params, req, type RouteRow } from './route-table';

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

export function alertRouteRows(): RouteRow[] {
  const ids = { channel: UNKNOWN, rule: UNKNOWN };
  const channel = () => params({ id: ids.channel });
  const rule = () => params({ id: ids.rule });
  return [
    {
      route: 'alerts/channels',
      method: 'POST',
      expect: only(['admin'], 201),
      call: (h) =>
        channelsRoute.POST(
          req('POST', '/api/alerts/channels', h, {
            type: 'webhook',
            name: 'ops',
            format: 'slack',
            urlEnv: 'ALERT_ROUTES_UNSET_HOOK',
          }),
          undefined,
        ),
      check: (_res, body) => {
        ids.channel = (json(body).channel as { id: string }).id;
      },
    },
    {
      route: 'alerts/channels',
      method: 'GET',
      expect: only(['admin']),
      call: (h) => channelsRoute.GET(req('GET', '/api/alerts/channels', h), undefined),
      check: (_res, body) => assert.equal((json(body).channels as unknown[]).length, 1),
    },
    {
      // The delivery settings' picker (issue 15): analysts too, and only the id and name of each channel.
      route: 'alerts/webhook-channels',
      method: 'GET',
      expect: only(['analyst', 'admin']),
      call: (h) => webhookChannelsRoute.GET(req('GET', '/api/alerts/webhook-channels', h), undefined),
      check: (_res, body) => assert.deepEqual(json(body).channels, [{ id: ids.channel, name: 'ops' }]),
    },
    {
      route: 'alerts/channels/[id]',
      method: 'PATCH',
      expect: only(['admin']),
      call: (h) =>
        channelRoute.PATCH(
          req('PATCH', `/api/alerts/channels/${ids.channel}`, h, { enabled: false }),
          channel(),
        ),
      check: (_res, body) => assert.equal((json(body).channel as { enabled: boolean }).enabled, false),
    },
    {
      route: 'alerts/channels/[id]/test',
      method: 'POST',
      expect: only(['admin']),
      call: (h) =>
        channelTestRoute.POST(req('POST', `/api/alerts/channels/${ids.channel}/test`, h, {}), channel()),
      check: (_res, body) => {
        const delivery = json(body).delivery as { status: string; error: string };
        assert.equal(delivery.status, 'failed');
        assert.match(delivery.error, /ALERT_ROUTES_UNSET_HOOK is not set/);
      },
    },
    {
      route: 'alerts/rules',
      method: 'POST',
      expect: only(['admin'], 201),
      call: (h) =>
        rulesRoute.POST(
          req('POST', '/api/alerts/rules', h, {
            name: 'runs',
            kind: 'run-failed',
            channelIds: [ids.channel],
          }),
          undefined,
        ),
      check: (_res, body) => {
        ids.rule = (json(body).rule as { id: string }).id;
      },
    },
    {
      route: 'alerts/rules',
      method: 'GET',
      expect: only(['admin']),
      call: (h) => rulesRoute.GET(req('GET', '/api/alerts/rules', h), undefined),
      check: (_res, body) => assert.equal((json(body).rules as unknown[]).length, 1),
    },
    {
      route: 'alerts/rules/[id]',
      method: 'PATCH',
      expect: only(['admin']),
      call: (h) =>
        ruleRoute.PATCH(req('PATCH', `/api/alerts/rules/${ids.rule}`, h, { enabled: false }), rule()),
      check: (_res, body) => assert.equal((json(body).rule as { enabled: boolean }).enabled, false),
    },
    {
      route: 'alerts/history',
      method: 'GET',
      expect: only(['admin']),
      call: (h) => historyRoute.GET(req('GET', '/api/alerts/history', h), undefined),
      check: (_res, body) => assert.equal((json(body).deliveries as unknown[]).length, 1),
    },
    {
      route: 'alerts/rules/[id]',
      method: 'DELETE',
      expect: only(['admin']),
      call: (h) => ruleRoute.DELETE(req('DELETE', `/api/alerts/rules/${ids.rule}`, h), rule()),
    },
    {
      route: 'alerts/channels/[id]',
      method: 'DELETE',
      expect: only(['admin']),
      call: (h) => channelRoute.DELETE(req('DELETE', `/api/alerts/channels/${ids.channel}`, h), channel()),
    },
  ];
}
