// Delivers one finished notebook run to its schedule's targets: an e-mail per address (users' addresses from the
// users file) with the summary and the outputs attached as CSV or Excel within the size cap (links past it, or
// links only), and a POST per webhook channel with the summary and links. A failed run also reaches the
// notebook's owner by e-mail, whatever the settings say. One line per target comes back for the run's manifest;
// a target that fails never stops the others, and nothing here throws for a delivery failure.

import { postToWebhook, sendMail } from '../alerts/send-message';
import { deliverySettingsSchema, type DeliverySettings } from './delivery-settings';
import type { NotebookRunManifest } from '../notebook-runs/types';
import { DEFAULT_ATTACHMENT_CAP_BYTES, webhookProblem, type DeliveryDeps } from './delivery-deps';
import { planAttachments, runFolder, type PlannedOutput } from './output-files';
import { outputLink, runPageLink, runSummary, subjectOf, summaryHtml, type OutputDelivery } from './text';
import { runWebhookBody } from './webhook-body';

export type DeliveryLine = NotebookRunManifest['delivery'][number];
/** The notebook's owner: their e-mail is looked up in the users file unless given. */
export type RunOwner = { username: string; email?: string };

/** A settings problem in words: "targets.0.to: Invalid email address; format: …". */
export function describeSettingsError(input: unknown): string | null {
  const parsed = deliverySettingsSchema.safeParse(input);
  if (parsed.success) return null;
  return parsed.error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

const errorText = (error: unknown) => ((error as Error)?.message ?? String(error)).slice(0, 300);

interface Recipient {
  address: string;
  /** Who asked for it: the address itself, "user bob", "owner alice" (one mail even when several did). */
  labels: string[];
}

/** E-mail recipients of this run, and a line for each one that cannot be reached (unknown user, no address). */
async function resolveRecipients(
  settings: DeliverySettings,
  toTargets: boolean,
  failed: boolean,
  owner: RunOwner | null,
  deps: DeliveryDeps,
): Promise<{ recipients: Recipient[]; problems: DeliveryLine[] }> {
  const byAddress = new Map<string, Recipient>();
  const problems: DeliveryLine[] = [];
  const add = (address: string, label: string) => {
    const key = address.toLowerCase();
    const existing = byAddress.get(key);
    if (existing) existing.labels.push(label);
    else byAddress.set(key, { address, labels: [label] });
  };
  const addressOf = async (username: string) => {
    try {
      return { email: (await deps.findUser(username))?.email, known: true };
    } catch (error) {
      return { email: undefined, known: false, error: errorText(error) };
    }
  };
  if (failed && !owner)
    problems.push({
      target: 'owner',
      ok: false,
      detail:
        'the notebook has no owner (npm run notebooks -- assign <user> <id>): the failure was e-mailed to nobody',
    });
  if (failed && owner) {
    const found = owner.email ? { email: owner.email } : await addressOf(owner.username);
    if (found.email) add(found.email, `owner ${owner.username}`);
    else
      problems.push({
        target: `owner ${owner.username}`,
        ok: false,
        detail:
          'error' in found
            ? `the users file could not be read: ${found.error}`
            : `${owner.username} has no e-mail in the users file (npm run users -- set-email ${owner.username} <address>): the failure was not sent`,
      });
  }
  if (!toTargets) return { recipients: [...byAddress.values()], problems };
  for (const target of settings.targets) {
    if (target.kind === 'email') add(target.to, target.to);
    else if (target.kind === 'user') {
      const found = await addressOf(target.username);
      if (found.email) add(found.email, `user ${target.username}`);
      else
        problems.push({
          target: `user ${target.username}`,
          ok: false,
          detail:
            'error' in found
              ? `the users file could not be read: ${found.error}`
              : `${target.username} has no e-mail in the users file (or no such user)`,
        });
    }
  }
  return { recipients: [...byAddress.values()], problems };
}

/** The outputs to attach: a successful run's, within the cap; a failed run or a link-only format attaches none. */
async function prepareOutputs(
  manifest: NotebookRunManifest,
  settings: DeliverySettings,
  deps: DeliveryDeps,
  names: string[],
): Promise<{ planned: PlannedOutput[]; delivered: OutputDelivery[] }> {
  const link = (name: string) =>
    outputLink(deps.origin, manifest, { name }, settings.format === 'xlsx' ? 'xlsx' : 'csv');
  const present = manifest.outputs.filter((o) => names.includes(o.name));
  let planned: PlannedOutput[] = [];
  if (manifest.status === 'succeeded' && settings.format !== 'link' && present.length > 0) {
    try {
      const runDir = runFolder(deps.notebooksDir, manifest);
      const cap = deps.attachmentCapBytes ?? DEFAULT_ATTACHMENT_CAP_BYTES;
      planned = await planAttachments(runDir, present, settings.format, cap);
    } catch (error) {
      planned = present.map((output) => ({
        output,
        attached: false,
        reason: `could not be read: ${errorText(error)}`,
      }));
    }
  }
  const plannedByName = new Map(planned.map((p) => [p.output.name, p]));
  const delivered: OutputDelivery[] = names.map((name) => {
    const plan = plannedByName.get(name);
    if (plan?.attached) return { name, attachment: plan.filename };
    return { name, attachment: null, reason: plan && !plan.attached ? plan.reason : null, link: link(name) };
  });
  return { planned, delivered };
}

async function sendEmails(
  recipients: Recipient[],
  content: { subject: string; text: string; html: string; planned: PlannedOutput[] },
  deps: DeliveryDeps,
): Promise<DeliveryLine[]> {
  const attachments = content.planned.flatMap((p) =>
    p.attached ? [{ filename: p.filename, content: Buffer.from(p.content), contentType: p.contentType }] : [],
  );
  const what =
    attachments.length > 0
      ? ` with ${attachments.length === 1 ? 'an attachment' : `${attachments.length} attachments`} (${attachments.map((a) => a.filename).join(', ')})`
      : '';
  const lines: DeliveryLine[] = [];
  // One at a time, one mail per address: recipients do not see each other, and one refused address fails alone.
  for (const recipient of recipients) {
    const target = recipient.labels.join(', ');
    try {
      await sendMail(
        {
          to: recipient.address,
          subject: content.subject,
          text: content.text,
          html: content.html,
          attachments,
        },
        { env: deps.env, timeoutMs: deps.timeoutMs },
      );
      lines.push({ target, ok: true, detail: `sent to ${recipient.address}${what}` });
    } catch (error) {
      lines.push({
        target,
        ok: false,
        detail: `e-mail to ${recipient.address} not sent: ${errorText(error)}`,
      });
    }
  }
  return lines;
}

async function postWebhooks(
  manifest: NotebookRunManifest,
  settings: DeliverySettings,
  message: { summary: string; link: string; outputs: string[] },
  deps: DeliveryDeps,
): Promise<DeliveryLine[]> {
  const lines: DeliveryLine[] = [];
  for (const target of settings.targets) {
    if (target.kind !== 'webhook') continue;
    let label = `webhook ${target.channelId}`;
    try {
      const channel = await deps.getChannel(target.channelId);
      if (channel) label = `webhook ${channel.name}`;
      const problem = webhookProblem(channel, target.channelId, deps);
      if (problem || !channel || channel.type !== 'webhook') {
        lines.push({ target: label, ok: false, detail: problem ?? 'not a webhook channel' });
        continue;
      }
      const body = runWebhookBody(channel.format, manifest, { ...message, origin: deps.origin }, deps.now());
      await postToWebhook(channel, body, deps);
      lines.push({ target: label, ok: true, detail: `posted (${channel.format})` });
    } catch (error) {
      lines.push({ target: label, ok: false, detail: errorText(error) });
    }
  }
  return lines;
}

/**
 * Delivers a finished run. `settings` are checked here again (a schedule file edited by hand): invalid ones
 * deliver to nobody but the owner of a failed run, and the first line says what is wrong.
 */
export async function deliverNotebookRun(
  manifest: NotebookRunManifest,
  settings: DeliverySettings,
  deps: DeliveryDeps,
  owner: RunOwner | null,
): Promise<DeliveryLine[]> {
  const lines: DeliveryLine[] = [];
  const parsed = deliverySettingsSchema.safeParse(settings);
  const valid: DeliverySettings = parsed.success
    ? parsed.data
    : { targets: [], format: 'link', outputs: [], onSuccess: false };
  if (!parsed.success)
    lines.push({
      target: 'settings',
      ok: false,
      detail: `delivery settings are invalid: ${describeSettingsError(settings)}`,
    });
  if (manifest.status === 'running') {
    lines.push({ target: 'run', ok: false, detail: 'the run has not finished: nothing delivered' });
    return lines;
  }
  const failed = manifest.status === 'failed';
  const toTargets = failed || valid.onSuccess;
  try {
    const { recipients, problems } = await resolveRecipients(valid, toTargets, failed, owner, deps);
    lines.push(...problems);
    const hasWebhooks = toTargets && valid.targets.some((t) => t.kind === 'webhook');
    if (recipients.length === 0 && !hasWebhooks) return lines;

    const names = valid.outputs.length > 0 ? valid.outputs : manifest.outputs.map((o) => o.name);
    const { planned, delivered } = await prepareOutputs(manifest, valid, deps, names);
    const link = runPageLink(deps.origin, manifest);
    const summary = runSummary(manifest, delivered, link);
    lines.push(
      ...(await sendEmails(
        recipients,
        { subject: subjectOf(manifest), text: `${summary}\n`, html: summaryHtml(summary), planned },
        deps,
      )),
    );
    if (hasWebhooks)
      lines.push(...(await postWebhooks(manifest, valid, { summary, link, outputs: names }, deps)));
  } catch (error) {
    // Not expected (every target catches its own failure); said in the manifest rather than thrown at the runner.
    lines.push({ target: 'delivery', ok: false, detail: `delivery stopped: ${errorText(error)}` });
  }
  return lines;
}

/**
 * The runner's `deliver(manifest, settings, owner)` hook over these deps (the worker's: createDeliveryDeps); the
 * runner names the owner by user name, or null for a notebook nobody owns.
 */
export function notebookRunDeliverer(deps: DeliveryDeps) {
  return (manifest: NotebookRunManifest, settings: DeliverySettings, owner: string | RunOwner | null) =>
    deliverNotebookRun(manifest, settings, deps, typeof owner === 'string' ? { username: owner } : owner);
}
