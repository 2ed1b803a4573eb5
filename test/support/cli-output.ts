// Runs a CLI entry point (one that writes to the io it is given and returns its exit code) and collects what it
// printed, for the CLI tests.

import { PassThrough } from 'node:stream';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function captureCli(
  main: (io: CliIo) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main({ stdout, stderr });
  return { code, out, err };
}
