// Absolute URIs in the log (deletion vectors with storageType 'p') resolved to lake paths. Such a URI is
// percent-encoded like an add path (PROTOCOL.md "Deletion Vector Descriptor"); it is read through the lake's own
// storage and only when it names a file inside the lake root: a log can never make the reader open anything else.

import { DeltaError } from './errors';
import { decodePathUri } from './paths';

// Spark names HDFS files hdfs://namenode:8020/…, while the lake talks WebHDFS to namenode:9870: same file system.
const HDFS_SCHEMES = new Set(['hdfs', 'webhdfs', 'swebhdfs']);

interface ParsedUri {
  /** Lower-case scheme; '' for a bare absolute path. */
  scheme: string;
  /** Host name without user info or port; '' when absent. */
  host: string;
  port: string;
  /** Percent-decoded path segments. */
  segments: string[];
}

// Parsed by hand rather than with URL: URL would take an unencoded '#' or '?' in a file name for a fragment or a
// query and silently resolve '..' segments, where a refusal is wanted.
const URI = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/]*))?(\/.*)?$/;

function parseUri(uri: string): ParsedUri | null {
  const match = URI.exec(uri);
  if (!match || !match[3]) return null;
  const authority = (match[2] ?? '').replace(/^.*@/, '');
  const portMatch = /:(\d*)$/.exec(authority);
  return {
    scheme: (match[1] ?? '').toLowerCase(),
    host: (portMatch ? authority.slice(0, portMatch.index) : authority).toLowerCase(),
    port: portMatch?.[1] ?? '',
    segments: match[3]
      .split('/')
      .slice(1)
      .map((segment) => decodePathUri(segment)),
  };
}

function isSameFileSystem(root: ParsedUri, target: ParsedUri): boolean {
  // A bare path is on the lake's own file system; '//host/…' without a scheme names no file system at all.
  if (target.scheme === '') return target.host === '';
  if (root.scheme === 'file') {
    return target.scheme === 'file' && (target.host === '' || target.host === 'localhost');
  }
  if (HDFS_SCHEMES.has(root.scheme) && HDFS_SCHEMES.has(target.scheme)) return root.host === target.host;
  return root.scheme === target.scheme && root.host === target.host && root.port === target.port;
}

/**
 * The lake path (relative to the storage root) of an absolute URI: `file:///…`, `file:/…`, `hdfs://host/…`,
 * `webhdfs://host/…` or a bare `/…` path on the lake's own file system. Throws PATH_OUTSIDE_LAKE, naming the URI,
 * for anything that does not lie inside the lake root.
 */
export function resolveLakeUri(rootUrl: string, uri: string): string {
  const root = parseUri(rootUrl);
  const target = parseUri(uri);
  const refuse = (why: string) =>
    new DeltaError('PATH_OUTSIDE_LAKE', `${uri} is not readable: ${why} (lake root ${rootUrl})`);
  if (!root) throw refuse('the lake root is not an absolute URI');
  if (!target) throw refuse('it is not an absolute URI');
  if (!isSameFileSystem(root, target)) throw refuse('it names another file system than the lake');
  const rootSegments = root.segments.filter((segment) => segment !== '');
  // Decoded segments, so an encoded '..' (%2E%2E) or '/' (%2F) cannot slip past the check.
  if (
    target.segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\0'))
  ) {
    throw refuse("its path has an empty, '.' or '..' segment or an encoded '/'");
  }
  const inside =
    target.segments.length > rootSegments.length &&
    rootSegments.every((segment, index) => target.segments[index] === segment);
  if (!inside) throw refuse('it lies outside the lake root');
  return target.segments.slice(rootSegments.length).join('/');
}
