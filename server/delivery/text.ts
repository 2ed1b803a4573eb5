// What a delivered notebook run says, in every channel: title, status, when and how long, the parameters, the
// Delta versions it read, each output's rows (attached, or its download link and why), the error of a failed
// run, and a link to the run. Pure.

import type { NotebookRunManifest, NotebookRunOutput } from '../notebook-runs/types';

/** The run's page in the workbench (the notebook, opened on that run). */
export function runPageLink(origin: string, manifest: Pick<NotebookRunManifest, 'notebookId' | 'runId'>) {
  return `${origin}/workbench/${encodeURIComponent(manifest.notebookId)}?run=${encodeURIComponent(manifest.runId)}`;
}

/** Download of one stored output (the runs API of the schedule part). */
export function outputLink(
  origin: string,
  manifest: Pick<NotebookRunManifest, 'notebookId' | 'runId'>,
  output: Pick<NotebookRunOutput, 'name'>,
  format: 'csv' | 'xlsx' | 'parquet',
) {
  const run = `${encodeURIComponent(manifest.notebookId)}/runs/${encodeURIComponent(manifest.runId)}`;
  return `${origin}/api/notebooks/${run}/outputs/${encodeURIComponent(output.name)}?format=${format}`;
}

/** How each output is delivered: its attachment's file name, or not attached (why) with its download link. */
export type OutputDelivery =
  | { name: string; attachment: string }
  | { name: string; attachment: null; reason: string | null; link: string };

export function formatDuration(ms: number | null): string {
  if (ms === null) return 'unknown';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

const utc = (iso: string) => `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`;
const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function subjectOf(manifest: NotebookRunManifest): string {
  return manifest.status === 'failed'
    ? `[FAILED] ${manifest.title}: scheduled run failed`
    : `[REPORT] ${manifest.title}: run ${manifest.status}`;
}

/** The summary as plain text (the e-mail body, the webhook's `summary`). */
export function runSummary(manifest: NotebookRunManifest, outputs: OutputDelivery[], link: string): string {
  const lines = [`Notebook "${manifest.title}": run ${manifest.status}`];
  const trigger = manifest.trigger === 'schedule' ? 'on schedule' : `by ${manifest.trigger.user}`;
  lines.push(`Started ${utc(manifest.startedAt)} ${trigger}, took ${formatDuration(manifest.durationMs)}`);
  if (manifest.error) lines.push(`Error: ${manifest.error}`);
  const parameters = Object.entries(manifest.parameters);
  if (parameters.length > 0)
    lines.push(`Parameters: ${parameters.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}`);
  const versions = Object.entries(manifest.versions).sort(([a], [b]) => a.localeCompare(b));
  lines.push(
    versions.length > 0
      ? `Versions read: ${versions.map(([table, v]) => `${table} v${v}`).join(', ')}`
      : 'Versions read: none (no Delta table)',
  );
  const byName = new Map(manifest.outputs.map((o) => [o.name, o]));
  if (outputs.length > 0) lines.push('Outputs:');
  for (const delivered of outputs) {
    const output = byName.get(delivered.name);
    const rows = output ? plural(output.rows, 'row', 'rows') : 'not in this run';
    const how =
      delivered.attachment !== null
        ? `attached as ${delivered.attachment}`
        : `${delivered.reason ? `not attached (${delivered.reason}); ` : ''}download: ${delivered.link}`;
    lines.push(`  ${delivered.name}: ${rows}, ${output ? how : 'nothing to send'}`);
  }
  lines.push(`Run: ${link}`);
  return lines.join('\n');
}

const htmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The summary as minimal HTML: the same lines, links clickable. */
export function summaryHtml(summary: string): string {
  const linked = htmlEscape(summary).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
  return `<pre style="font-family: inherit; white-space: pre-wrap">${linked}</pre>`;
}
