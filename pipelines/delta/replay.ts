// Action reconciliation (PROTOCOL-NOTES §3), pure: folds a checkpoint's actions and the commits after it into the
// state of one version.

import type {
  Action,
  AddFile,
  CommitInfo,
  DeletionVectorDescriptor,
  DomainMetadata,
  Metadata,
  Protocol,
  RemoveFile,
  Txn,
} from './actions';
import { DeltaError } from './errors';
import { canonicalizePath } from './paths';

export interface ReplayedState {
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  /** Live data files, in log order of their latest action. */
  files: AddFile[];
  /** Remove actions still in the state (tombstones; only VACUUM cares). */
  tombstones: RemoveFile[];
  /** Latest txn version per appId. */
  txns: Map<string, Txn>;
  /** Latest domain metadata per domain, without removed domains. */
  domains: Map<string, DomainMetadata>;
  /** commitInfo of the snapshot's own commit, when that commit was replayed. */
  commitInfo?: CommitInfo;
}

export interface CommitActions {
  version: number;
  actions: Action[];
}

/** Unique id of a deletion vector: storage type + path or inline data + optional '@offset'. */
export function getDeletionVectorId(dv: DeletionVectorDescriptor | null | undefined): string {
  if (!dv) return '';
  const offset = dv.offset === null || dv.offset === undefined ? '' : `@${dv.offset}`;
  return `${dv.storageType}${dv.pathOrInlineDv}${offset}`;
}

/** Key of a logical file: canonical path plus deletion-vector id. */
export function getLogicalFileKey(file: {
  path: string;
  deletionVector?: DeletionVectorDescriptor | null;
}): string {
  return `${canonicalizePath(file.path)}\u0000${getDeletionVectorId(file.deletionVector)}`;
}

/**
 * Replays `checkpointActions` (the reconciled state at a checkpoint, possibly empty) then each commit in ascending
 * order. Throws MISSING_PROTOCOL / MISSING_METADATA when the result lacks either.
 */
export function replayActions(
  checkpointActions: Action[],
  commits: CommitActions[],
  version: number,
): ReplayedState {
  let protocol: Protocol | undefined;
  let metadata: Metadata | undefined;
  let commitInfo: CommitInfo | undefined;
  const fileActions = new Map<string, { add?: AddFile; remove?: RemoveFile }>();
  const txns = new Map<string, Txn>();
  const domains = new Map<string, DomainMetadata>();

  const apply = (action: Action): void => {
    if (action.add) {
      const key = getLogicalFileKey(action.add);
      fileActions.delete(key);
      fileActions.set(key, { add: action.add });
    } else if (action.remove) {
      const key = getLogicalFileKey(action.remove);
      fileActions.delete(key);
      fileActions.set(key, { remove: action.remove });
    } else if (action.metaData) metadata = action.metaData;
    else if (action.protocol) protocol = action.protocol;
    else if (action.txn) txns.set(action.txn.appId, action.txn);
    else if (action.domainMetadata) {
      if (action.domainMetadata.removed) domains.delete(action.domainMetadata.domain);
      else domains.set(action.domainMetadata.domain, action.domainMetadata);
    }
  };

  for (const action of checkpointActions) apply(action);
  for (const commit of commits) {
    for (const action of commit.actions) {
      apply(action);
      if (action.commitInfo && commit.version === version) commitInfo = action.commitInfo;
    }
  }
  if (!protocol) throw new DeltaError('MISSING_PROTOCOL', `No protocol action found for version ${version}`);
  if (!metadata) throw new DeltaError('MISSING_METADATA', `No metaData action found for version ${version}`);

  const files: AddFile[] = [];
  const tombstones: RemoveFile[] = [];
  for (const entry of fileActions.values()) {
    if (entry.add) files.push(entry.add);
    else if (entry.remove) tombstones.push(entry.remove);
  }
  return {
    version,
    protocol,
    metadata,
    files,
    tombstones,
    txns,
    domains,
    ...(commitInfo ? { commitInfo } : {}),
  };
}
