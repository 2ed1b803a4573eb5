// Logic behind GET /api/alerts/webhook-channels: the admins' webhook channels a notebook schedule may deliver to,
// for the delivery settings' picker. Analysts (workbench) see each channel's id and name only, never its URL
// variable or format: the channels themselves stay the admins' (the `alerts` permission).

import { authorize } from '../auth/authorize';
import { webhookChannelChoices } from '../delivery/delivery-deps';
import { getControlPlane } from './control-plane';
import { handleRoute, jsonResponse } from './handle-route';

export const getWebhookChannels = handleRoute(async (request) => {
  await authorize(request, 'workbench');
  const channels = await (await getControlPlane()).store.alerts.listChannels();
  return jsonResponse({ channels: webhookChannelChoices(channels) });
});
