import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCron, nextRuns, validateCron } from '../../server/scheduler/cron';

describe('cron', () => {
  it('validates five-field expressions with readable errors', () => {
    assert.equal(validateCron('  0   *  * * * '), '0 * * * *');
    assert.throws(() => validateCron('61 * * * *'), /not a valid cron expression.*0-59/);
    assert.throws(() => validateCron('* * * *'), /five-field/);
    assert.throws(() => validateCron('0 0 * * * *'), /five-field/);
    assert.throws(() => validateCron('every hour'), /five-field/);
    assert.throws(() => validateCron('0 * * * *', 'Mars/Base'), /not a time zone/);
  });

  it('describes in words', () => {
    assert.equal(describeCron('0 * * * *'), 'Every hour');
    assert.equal(describeCron('30 2 * * 1-5'), 'At 02:30, Monday through Friday');
  });

  it('lists the next runs in the schedule time zone', () => {
    const from = new Date('2026-11-24T08:30:00Z');
    assert.deepEqual(
      nextRuns('0 6 * * *', 'America/Chicago', from, 2).map((d) => d.toISOString()),
      ['2026-11-24T12:00:00.000Z', '2026-11-25T12:00:00.000Z'],
    );
    assert.equal(nextRuns('0 * * * *', 'UTC', from).length, 5);
  });
});
