// A notebook run as a webhook channel's body. The generic JSON format carries the whole summary, the link and
// each output with its download links, for a program to act on; Slack and Teams get the alerts' own cards
// (server/alerts/format-message.ts), headed [REPORT] or [FAILED], with the summary as their text. Pure.

import { webhookBody } from '../alerts/format-message';
import type { AlertMessage, WebhookFormat } from '../alerts/types';
import type { NotebookRunManifest } from '../notebook-runs/types';
import { outputLink } from './text';

export function runWebhookBody(
  format: WebhookFormat,
  manifest: NotebookRunManifest,
  delivered: { summary: string; link: string; outputs: string[]; origin: string },
  sentAt: Date,
): unknown {
  const failed = manifest.status === 'failed';
  if (format !== 'json') {
    const message: AlertMessage = {
      event: 'open',
      severity: failed ? 'critical' : 'ok',
      kind: null,
      subject: `notebook:${manifest.notebookId}`,
      title: failed ? `${manifest.title}: scheduled run failed` : `${manifest.title}: run ${manifest.status}`,
      text: delivered.summary,
      link: delivered.link,
      label: failed ? 'FAILED' : 'REPORT',
    };
    return webhookBody(format, message, sentAt);
  }
  const byName = new Map(manifest.outputs.map((o) => [o.name, o]));
  return {
    event: 'notebook.run',
    status: manifest.status,
    notebookId: manifest.notebookId,
    runId: manifest.runId,
    title: manifest.title,
    trigger: manifest.trigger,
    startedAt: manifest.startedAt,
    finishedAt: manifest.finishedAt,
    durationMs: manifest.durationMs,
    parameters: manifest.parameters,
    versions: manifest.versions,
    error: manifest.error,
    summary: delivered.summary,
    link: delivered.link,
    outputs: delivered.outputs.flatMap((name) => {
      const output = byName.get(name);
      if (!output) return [];
      const link = (format: 'csv' | 'xlsx' | 'parquet') =>
        outputLink(delivered.origin, manifest, output, format);
      return [
        {
          name: output.name,
          rows: output.rows,
          columns: output.columns,
          links: { csv: link('csv'), xlsx: link('xlsx'), parquet: link('parquet') },
        },
      ];
    }),
    sentAt: sentAt.toISOString(),
  };
}
