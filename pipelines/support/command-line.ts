// Parsing a command's arguments the way every CLI here that reports usage errors does: positionals allowed, and a
// usage error from node:util (unknown option, missing value) written to stderr with the usage text, so the caller
// exits with code 2 instead of printing a stack trace.

import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The parsed arguments, or undefined after writing the usage error to stderr (the caller exits 2). */
export function parseCommandLine<O extends OptionsConfig>(
  argv: string[],
  options: O,
  stderr: NodeJS.WritableStream,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return undefined;
  }
}
