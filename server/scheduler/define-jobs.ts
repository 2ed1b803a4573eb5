import type { Agenda } from 'agenda';

/**
 * Registers every job type the worker processes and returns their names. Empty until the pipeline and
 * control-plane issues define pipeline runs, MySQL sync and Delta maintenance.
 */
export function defineJobs(_agenda: Agenda): string[] {
  return [];
}
