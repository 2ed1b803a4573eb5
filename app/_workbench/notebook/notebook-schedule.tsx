'use client';
// The Schedule panel of a notebook: when the worker runs it (cron and time zone, enabled), the parameter values
// each run gets (the notebook's typed inputs), where its results go (delivery), Run now, and the stored runs with their outputs. The owner and admins change it;
// readers see the schedule and the runs. The server checks every change; this only edits the settings.

import { useEffect, useRef, useState } from 'react';
import type { DeliverySettings } from '@/server/delivery/delivery-settings';
import type { ParameterDef, ParameterValues } from '@/server/notebooks/parameter-types';
import { formatTime } from '../../_lib/format';
import { usePolling } from '../../_lib/use-polling';
import { ErrorNotice } from '../error-notice';
import { ParameterInputs } from '../parameters/parameter-inputs';
import { DeliverySettingsEditor } from './delivery-settings';
import { NotebookRunHistory } from './notebook-run-history';
import { scheduleApi, type ScheduleForm } from './notebook-schedule-api';

const NO_DELIVERY: DeliverySettings = { targets: [], format: 'csv', outputs: [], onSuccess: true };

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const RUN_QUEUED = 'Run queued; the worker starts it shortly';

export function NotebookSchedule({
  id,
  canManage,
  parameters,
  outputs,
}: {
  id: string;
  canManage: boolean;
  /** The notebook's parameter definitions: the schedule gives each run values for them. */
  parameters: readonly ParameterDef[];
  /** The names of the notebook's SQL results, which delivery may attach. */
  outputs: string[];
}) {
  const [cron, setCron] = useState('0 * * * *');
  const [timezone, setTimezone] = useState(localZone);
  const [enabled, setEnabled] = useState(true);
  const [values, setValues] = useState<ParameterValues>({});
  const [delivery, setDelivery] = useState<DeliverySettings>(NO_DELIVERY);
  const [error, setError] = useState<Error | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [queuedAfter, setQueuedAfter] = useState<string | null | undefined>(undefined);
  const initialized = useRef(false);

  const view = usePolling((signal) => scheduleApi.get(id, signal), 3000, [id]);
  const runs = usePolling((signal) => scheduleApi.listRuns(id, signal), 3000, [id]);
  const schedule = view.data?.schedule ?? null;

  // The form starts from the saved schedule once; later polls must not overwrite what is being typed.
  useEffect(() => {
    if (initialized.current || view.data === undefined) return;
    initialized.current = true;
    if (!schedule) return;
    setCron(schedule.cron);
    setTimezone(schedule.timezone);
    setEnabled(schedule.enabled);
    setValues(schedule.parameters);
    setDelivery(schedule.delivery);
  }, [view.data, schedule]);

  const newest = runs.data?.[0]?.runId ?? null;
  const waiting = queuedAfter !== undefined && newest === queuedAfter;
  useEffect(() => {
    if (queuedAfter !== undefined && newest !== queuedAfter) {
      setQueuedAfter(undefined);
      // The queued run is in the history now (running or finished): the line stops saying it is queued.
      setStatus((current) => (current === RUN_QUEUED ? null : current));
    }
  }, [newest, queuedAfter]);

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setStatus(await what());
      setError(null);
      view.refresh();
      runs.refresh();
    } catch (e) {
      setError(e as Error);
      setStatus(null);
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    act(async () => {
      const form: ScheduleForm = {
        cron,
        timezone,
        enabled,
        parameters: values,
        delivery,
      };
      const saved = await scheduleApi.set(id, form);
      if (saved.schedule) setCron(saved.schedule.cron);
      return enabled ? 'Schedule saved' : 'Schedule saved (paused)';
    });

  const remove = () =>
    act(async () => {
      await scheduleApi.remove(id);
      return 'Schedule removed';
    });

  const runNow = () =>
    act(async () => {
      await scheduleApi.runNow(id);
      setQueuedAfter(newest);
      return RUN_QUEUED;
    });

  return (
    <div className="wb-schedule-panel" data-testid="notebook-schedule">
      {error ? <ErrorNotice error={error} /> : null}
      <fieldset disabled={!canManage || busy} className="wb-schedule-form">
        <label>
          Cron{' '}
          <input
            aria-label="Cron"
            data-testid="schedule-cron"
            value={cron}
            size={16}
            onChange={(event) => setCron(event.target.value)}
          />
        </label>
        <label>
          Time zone{' '}
          <input
            aria-label="Time zone"
            data-testid="schedule-timezone"
            value={timezone}
            size={20}
            onChange={(event) => setTimezone(event.target.value)}
          />
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="schedule-enabled"
            checked={enabled}
            onChange={(event) => setEnabled(event.target.checked)}
          />{' '}
          Enabled
        </label>
        {parameters.length > 0 ? (
          <fieldset
            className="wb-schedule-parameters"
            data-testid="schedule-parameters"
            disabled={!canManage}
          >
            <legend>Parameter values of each run (empty: the default)</legend>
            <ParameterInputs defs={parameters} values={values} onChange={setValues} />
          </fieldset>
        ) : null}
        {canManage ? (
          <DeliverySettingsEditor value={delivery} onChange={setDelivery} outputs={outputs} />
        ) : (
          <p className="wb-muted" data-testid="schedule-delivery">
            Delivery:{' '}
            {delivery.targets.length === 0
              ? 'none'
              : `${delivery.targets.length} target(s), ${delivery.format}`}
          </p>
        )}
        {canManage ? (
          <div className="wb-schedule-actions">
            <button type="button" data-testid="schedule-save" onClick={() => void save()}>
              Save schedule
            </button>
            {schedule ? (
              <button type="button" onClick={() => void remove()}>
                Remove schedule
              </button>
            ) : null}
            <button type="button" data-testid="schedule-run-now" onClick={() => void runNow()}>
              Run now
            </button>
          </div>
        ) : (
          <p className="wb-muted">
            Only the notebook&apos;s owner or an admin can change the schedule or run it.
          </p>
        )}
      </fieldset>
      <p className="wb-muted" data-testid="schedule-state">
        {schedule
          ? schedule.enabled
            ? `Scheduled: next run ${formatTime(view.data?.nextRunAt)} (${schedule.timezone})`
            : 'Schedule paused'
          : 'Not scheduled'}
        {view.data?.activeRunId || waiting ? ' · a run is in progress' : ''}
        {status ? ` · ${status}` : ''}
      </p>
      {runs.error ? <ErrorNotice error={runs.error} /> : null}
      {runs.data ? <NotebookRunHistory id={id} runs={runs.data} /> : null}
    </div>
  );
}
