// Logic behind /api/alerts/…: channels, rules and the history (admins only: the `alerts` permission). Channels
// are presented without secrets: a webhook shows the NAME of its URL variable and whether it is set.

import { z } from 'zod';
import { channelInput, ruleInput } from '../alerts/alert-input';
import {
  mergeChannel,
  mergeRule,
  presentDelivery,
  presentRule,
  sendTestMessage,
} from '../alerts/alert-admin';
import { presentChannel } from '../alerts/channel-secrets';
import { authorize } from '../auth/authorize';
import { loadEnv, publicUrl } from '../config/env';
import { getControlPlane } from './control-plane';
import { ApiError } from './errors';
import { handleRoute, jsonResponse, readJsonBody } from './handle-route';

export interface IdParams {
  params: Promise<{ id: string }>;
}

const idOf = async (context: IdParams) =>
  z
    .string()
    .uuid('an id is a UUID')
    .parse((await context.params).id);
const changeOf = async (request: Request) =>
  z.record(z.string(), z.unknown()).parse(await readJsonBody(request));
const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });

const present = (channel: Parameters<typeof presentChannel>[0]) =>
  presentChannel(channel, loadEnv(), process.env);

async function alertStore() {
  return (await getControlPlane()).store.alerts;
}

export const getChannels = handleRoute(async (request) => {
  await authorize(request, 'alerts');
  return jsonResponse({ channels: (await (await alertStore()).listChannels()).map(present) });
});

export const postChannel = handleRoute(async (request) => {
  await authorize(request, 'alerts');
  const input = channelInput.parse(await readJsonBody(request));
  const channel = await (await alertStore()).createChannel(input, new Date());
  return jsonResponse({ channel: present(channel) }, { status: 201 });
});

export const patchChannel = handleRoute<IdParams>(async (request, context) => {
  await authorize(request, 'alerts');
  const id = await idOf(context);
  const store = await alertStore();
  const existing = await store.getChannel(id);
  if (!existing) throw new ApiError('NOT_FOUND', `No alert channel ${id}`);
  const updated = await store.updateChannel(id, mergeChannel(existing, await changeOf(request)), new Date());
  if (!updated) throw new ApiError('NOT_FOUND', `No alert channel ${id}`);
  return jsonResponse({ channel: present(updated) });
});

export const deleteChannel = handleRoute<IdParams>(async (request, context) => {
  await authorize(request, 'alerts');
  const id = await idOf(context);
  if (!(await (await alertStore()).deleteChannel(id)))
    throw new ApiError('NOT_FOUND', `No alert channel ${id}`);
  return jsonResponse({ deleted: id });
});

export const postChannelTest = handleRoute<IdParams>(async (request, context) => {
  const user = await authorize(request, 'alerts');
  const id = await idOf(context);
  const { store } = await getControlPlane();
  const channel = await store.alerts.getChannel(id);
  if (!channel) throw new ApiError('NOT_FOUND', `No alert channel ${id}`);
  const env = loadEnv();
  const delivery = await sendTestMessage(store, channel, {
    env,
    processEnv: process.env,
    now: () => new Date(),
    baseUrl: publicUrl(env),
    requestedBy: user.username,
  });
  return jsonResponse({ delivery: presentDelivery(delivery) });
});

export const getRules = handleRoute(async (request) => {
  await authorize(request, 'alerts');
  return jsonResponse({ rules: (await (await alertStore()).listRules()).map(presentRule) });
});

export const postRule = handleRoute(async (request) => {
  await authorize(request, 'alerts');
  const input = ruleInput.parse(await readJsonBody(request));
  const rule = await (await alertStore()).createRule(input, new Date());
  return jsonResponse({ rule: presentRule(rule) }, { status: 201 });
});

export const patchRule = handleRoute<IdParams>(async (request, context) => {
  await authorize(request, 'alerts');
  const id = await idOf(context);
  const store = await alertStore();
  const existing = await store.getRule(id);
  if (!existing) throw new ApiError('NOT_FOUND', `No alert rule ${id}`);
  const updated = await store.updateRule(id, mergeRule(existing, await changeOf(request)), new Date());
  if (!updated) throw new ApiError('NOT_FOUND', `No alert rule ${id}`);
  return jsonResponse({ rule: presentRule(updated) });
});

export const deleteRule = handleRoute<IdParams>(async (request, context) => {
  await authorize(request, 'alerts');
  const id = await idOf(context);
  if (!(await (await alertStore()).deleteRule(id))) throw new ApiError('NOT_FOUND', `No alert rule ${id}`);
  return jsonResponse({ deleted: id });
});

export const getHistory = handleRoute(async (request) => {
  await authorize(request, 'alerts');
  const query = historyQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const store = await alertStore();
  const [deliveries, incidents] = await Promise.all([store.listDeliveries(query), store.listOpenIncidents()]);
  return jsonResponse({
    deliveries: deliveries.map(presentDelivery),
    incidents: incidents.map((i) => ({ ...i, openedAt: i.openedAt.toISOString() })),
  });
});
