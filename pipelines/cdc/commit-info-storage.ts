// The run's facts (run id, watermark, source position, run sequence) travel IN the one Delta commit of the run,
// as extra commitInfo fields (the writer's `extraCommitInfo`), so the next run reads its state from the table
// itself. Delta allows any field in commitInfo (PROTOCOL.md "Commit Provenance Information"); other engines
// ignore it. The key itself lives in definition/ so the sync can read it too.

export { REPAIR_INFO_KEY, RUN_INFO_KEY } from '../definition/commit-info-keys';
