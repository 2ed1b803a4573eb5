// The folder of pipeline definitions (PIPELINES_DIR): `<name>.pipeline.yaml|yml|json` files. The CLI and the
// worker resolve a pipeline name here, and the worker schedules every definition it finds. One bad file never
// hides the others: loading the folder returns the good definitions and, apart, each failure with its file.

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PIPELINE_NAME } from './definition-schema';
import { PipelineError } from './errors';
import { loadDefinition, type PipelineDefinition } from './load-definition';

export const DEFAULT_PIPELINES_DIR = './pipelines/demo';
const DEFINITION_FILE = /\.pipeline\.(ya?ml|json)$/;

/** A definition file path as given (absolute or relative to cwd), else the named pipeline's file in dir. */
export function resolveDefinitionPath(
  target: string,
  dir: string = DEFAULT_PIPELINES_DIR,
  cwd: string = process.cwd(),
): string {
  if (/[/\\]|\.(ya?ml|json)$/.test(target) && existsSync(path.resolve(cwd, target)))
    return path.resolve(cwd, target);
  return resolveDefinitionName(target, dir, cwd);
}

/**
 * `<dir>/<name>.pipeline.(yaml|yml|json)` for a pipeline name, never a path: the worker resolves schedule targets
 * with this alone, so an admin's schedule cannot make it read another file.
 */
export function resolveDefinitionName(
  name: string,
  dir: string = DEFAULT_PIPELINES_DIR,
  cwd: string = process.cwd(),
): string {
  const base = path.resolve(cwd, dir);
  // A name must not climb out of the folder (`../x`): only plain names are looked up there.
  if (!PIPELINE_NAME.test(name)) {
    throw new PipelineError(
      'DEFINITION_NOT_FOUND',
      `No pipeline definition ${name}: give a definition file or a pipeline name found in ${base}`,
    );
  }
  const candidates = ['yaml', 'yml', 'json'].map((ext) => path.join(base, `${name}.pipeline.${ext}`));
  return candidates.find((file) => existsSync(file)) ?? (candidates[0] as string);
}

export interface DefinitionFailure {
  file: string;
  error: Error;
}

export interface DefinitionsDir {
  definitions: PipelineDefinition[];
  failures: DefinitionFailure[];
}

/** Every definition in dir, sorted by file name; unreadable or invalid files are reported, not thrown. */
export async function loadDefinitionsDir(dir: string, cwd: string = process.cwd()): Promise<DefinitionsDir> {
  const base = path.resolve(cwd, dir);
  let names: string[];
  try {
    names = (await readdir(base)).filter((name) => DEFINITION_FILE.test(name)).sort();
  } catch (cause) {
    throw new PipelineError('DEFINITION_NOT_FOUND', `Cannot read the pipelines folder ${base}`, { cause });
  }
  const definitions: PipelineDefinition[] = [];
  const failures: DefinitionFailure[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.join(base, name);
    try {
      const definition = await loadDefinition(file);
      const other = seen.get(definition.name);
      if (other) {
        throw new PipelineError(
          'INVALID_DEFINITION',
          `${file}: pipeline name ${definition.name} is already defined in ${other}`,
        );
      }
      seen.set(definition.name, file);
      definitions.push(definition);
    } catch (error) {
      failures.push({ file, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return { definitions, failures };
}
