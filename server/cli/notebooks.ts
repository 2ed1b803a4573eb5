// `npm run notebooks -- <command>`: notebook owners from a shell on the server, for the upgrade to owned notebooks.
// Notebooks written before owners existed belong to nobody and only admins see them; this hands them to their
// authors without clicking through each one.
//   list                                   id, owner (or "nobody: admins only"), title
//   assign <user> <id> [<id> …]            make <user> the owner of those notebooks (shares kept)
//   assign <user> --unowned                the same for every notebook that has no owner
// Run it while nobody edits the notebooks it changes: the web process serializes saves within itself only.

import path from 'node:path';
import { parseCommandLine } from '@/pipelines/support/command-line';
import { usernameSchema } from '../auth/users-file';
import { loadEnv } from '../config/env';
import { createNotebookStore } from '../notebooks/notebook-store';
import { createVersionedNotebooks } from '../notebooks/notebook-versions';

export interface NotebooksCliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: npm run notebooks -- list | assign <user> <id> [<id> …] | assign <user> --unowned';

export async function runNotebooksCli(argv: string[], io: NotebooksCliIo, dir?: string): Promise<number> {
  const parsed = parseCommandLine(argv, { unowned: { type: 'boolean' } }, io.stderr, USAGE);
  if (!parsed) return 2;
  const [command, user, ...ids] = parsed.positionals;
  const folder = path.resolve(dir ?? loadEnv().NOTEBOOKS_DIR);
  const notebooks = createVersionedNotebooks(createNotebookStore(folder), folder);
  try {
    if (command === 'list' && user === undefined) {
      const listed = await notebooks.list();
      for (const { summary, meta } of listed) {
        io.stdout.write(`${summary.id}  ${meta.owner ?? 'nobody: admins only'}  ${summary.title}\n`);
      }
      if (listed.length === 0) io.stdout.write(`no notebooks in ${folder}\n`);
      return 0;
    }
    const unowned = parsed.values.unowned === true;
    if (command !== 'assign' || user === undefined || (unowned ? ids.length > 0 : ids.length === 0)) {
      io.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const owner = usernameSchema.safeParse(user);
    if (!owner.success) throw new Error(`'${user}' is not a user name: ${owner.error.issues[0]?.message}`);
    const targets = unowned
      ? (await notebooks.list()).filter(({ meta }) => meta.owner === null).map(({ summary }) => summary.id)
      : ids;
    for (const id of targets) {
      const meta = await notebooks.meta(id);
      await notebooks.setSharing(id, { owner: user, shares: meta.shares }, () => undefined);
      io.stdout.write(`${id}: owner ${meta.owner ?? 'nobody'} → ${user}\n`);
    }
    if (targets.length === 0) io.stdout.write('no notebook changed\n');
    return 0;
  } catch (error) {
    io.stderr.write(`notebooks: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runNotebooksCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
