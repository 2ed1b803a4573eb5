// Runs analysts' server queries out of the web process, in child processes (query-child.ts), each query in a
// fresh DuckDB. Children are started ahead and reused after a clean end, because loading Node, DuckDB and Arrow
// takes seconds on a loaded machine; one that passes its time or memory cap, whose client goes away, or that
// grew large, is killed (its spill folder removed) and replaced.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';
import { ApiError } from '../errors';
import { canTakeQuery, isAlive, readRss, removeSpillFolders } from './query-process';
import { END_OF_STREAM } from './arrow-batches';
import type { FromChild, ToChild } from './query-protocol';
import type { QueryRequest } from './query-request';
import type { UploadedResult } from './query-upload';
import { resultCutTrailer, type ServerQueryLimits, type ServerQueryResult } from './run-server-query';
import { WorkbenchError } from './workbench-error';

export interface QueryPoolOptions {
  /** Project root; the child entry is resolved from it at run time (Next bundles server code). */
  root: string;
  lakeRoot: string;
  limits: ServerQueryLimits;
  timeoutMs: number;
  /** The child is killed when its resident memory passes this. */
  maxRssBytes: number;
  /** Children kept started and idle (2 by default). */
  spare?: number;
  /** Idle children kept at most (4 by default); more are stopped when their query ends. */
  maxIdle?: number;
  /** A child whose resident memory is above this after its query is replaced rather than reused. */
  recycleRssBytes?: number;
}

export interface QueryRun {
  request: QueryRequest;
  results: UploadedResult[];
  signal?: AbortSignal;
  /** Called once when the query is over (ended, failed, cancelled, killed). */
  onSettled?: () => void;
}

const CHILD_ENTRY = 'server/api/workbench/query-child.ts';
const WATCH_INTERVAL_MS = 200;
// Generous: four children loading at once on a loaded two-core machine took 35 s (measured).
const START_TIMEOUT_MS = 120_000;

interface Spare {
  child: ChildProcess;
  ready: Promise<void>;
}

export class QueryPool {
  private spares: Spare[] = [];
  private readonly entry: string;
  private closed = false;

  constructor(private readonly options: QueryPoolOptions) {
    this.entry = path.join(options.root, CHILD_ENTRY);
    if (!existsSync(this.entry)) {
      throw new Error(
        `The query child entry ${this.entry} is missing: start the server from the project root`,
      );
    }
  }

  /** `background`: started ahead of any query, at low priority from its first instruction. */
  private startChild(background = false): Spare {
    const child = fork(this.entry, [], {
      cwd: this.options.root,
      execArgv: ['--import', 'tsx', '--max-old-space-size=512'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Children never keep the web process (or a test) alive by themselves: a running query holds its own timers,
    // and a child whose parent is gone exits on 'disconnect' (query-child.ts).
    child.unref();
    child.channel?.unref();
    // Loading Node and DuckDB takes seconds of CPU: started with the web server, it must not slow its start or its
    // first pages. A query that takes it meanwhile still runs (niced, as every query does).
    if (background) lowerPriority(child);
    child.once('exit', () => {
      // A killed DuckDB cannot delete its own spill files.
      if (child.pid !== undefined) void removeSpillFolders(child.pid);
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', (message: FromChild) => {
        if (message.type !== 'ready') return reject(new Error('unexpected first message'));
        // Queries yield the CPU to the web process's own requests (sign-in, pages, the browser path's files);
        // only once started, so a child that is loading is not starved by the queries already running.
        lowerPriority(child);
        resolve();
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`query process exited before it was ready (${signal ?? code})`)),
      );
    });
    // A start failure reaches whoever awaits `ready`; this only keeps it from being "unhandled" meanwhile.
    ready.catch(() => undefined);
    return { child, ready };
  }

  /** Keeps `spare` children started ahead. */
  warm(): void {
    this.prune();
    while (this.spares.length < (this.options.spare ?? 2)) this.spares.push(this.startChild());
  }

  /**
   * Starts the `spare` children one after another, in the background, when the web server starts: the first is
   * ready after one load rather than after all of them sharing the cores, and a query that arrives meanwhile takes
   * the one loading (and waits for it, as a query on a cold pool does). Never more than `spare` idle ones.
   */
  warmInTurn(): void {
    if (this.closed) return;
    this.prune();
    if (this.spares.length >= (this.options.spare ?? 2)) return;
    const spare = this.startChild(true);
    this.spares.push(spare);
    // A child that fails to start ends the turns (its exit drops it from the idle ones): a query then starts its
    // own, and says why if that fails too, rather than the pool retrying a broken start forever.
    void spare.ready.then(
      () => this.warmInTurn(),
      () => undefined,
    );
  }

  /**
   * An idle child for a query. No replacement starts beside it: the child comes back when the query ends cleanly,
   * and finish() replaces one that does not, so `spare` children still cover as many queries as admission lets
   * run at once. Starting one here loaded Node and DuckDB (seconds of CPU, at normal priority) on the same cores as
   * the query (niced), and the returned child was then killed as one too many: a 5,000,000-row group-by took
   * 2-10x its in-process time (issue 17's workbench bench).
   */
  private take(): Spare {
    this.prune();
    return this.spares.shift() ?? this.startChild();
  }

  /** Drops idle children that cannot take a query. */
  private prune(): void {
    this.spares = this.spares.filter((s) => {
      if (canTakeQuery(s.child)) return true;
      // Killed while idle and not reaped yet: make sure, and let its exit clean up.
      if (isAlive(s.child)) s.child.kill('SIGKILL');
      return false;
    });
  }

  /** A child whose query ended cleanly goes back to the idle ones, unless it grew large or enough are idle. */
  private async giveBack(spare: Spare): Promise<void> {
    const rss = await readRss(spare.child.pid as number);
    const keep =
      isAlive(spare.child) &&
      rss < (this.options.recycleRssBytes ?? 400 * 1024 * 1024) &&
      this.spares.length < (this.options.maxIdle ?? 4);
    if (keep) this.spares.push(spare);
    else {
      spare.child.kill('SIGKILL');
      // Grown too large: a fresh one takes its place (nothing starts when enough are idle already).
      this.warm();
    }
  }

  /** Resolves once the first result bytes exist; errors before that reject with a clear WorkbenchError. */
  async run(query: QueryRun): Promise<ServerQueryResult> {
    const spare = this.take();
    const { child, ready } = spare;
    const pid = child.pid as number;
    const { timeoutMs, maxRssBytes, limits } = this.options;
    let settled = false;
    let failure: Error | null = null;
    // Whoever awaits the child's next message (or its failure) is woken through this.
    let waiter = null as (() => void) | null;
    /** `reusable`: the query ended cleanly (its end or its error came from the child), so the child is idle. */
    const finish = (reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      query.signal?.removeEventListener('abort', onAbort);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (reusable && isAlive(child)) void this.giveBack(spare);
      else {
        if (isAlive(child)) child.kill('SIGKILL');
        // Its replacement starts now, not when the next query comes.
        this.warm();
      }
      query.onSettled?.();
    };
    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      waiter?.();
      finish();
    };
    // Until the child is ready, only its start is timed (a loaded machine takes seconds to load Node and DuckDB);
    // the query's own time starts when it is sent.
    let timer = setTimeout(
      () => fail(new WorkbenchError('QUERY_RESOURCES', 'The query process did not start; try again shortly')),
      START_TIMEOUT_MS,
    );
    const startQueryTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          fail(
            new WorkbenchError(
              'QUERY_TIMEOUT',
              `The query ran longer than ${Math.round(timeoutMs / 1000)} s, the limit of a server query, and was ` +
                'stopped. Add a filter, a LIMIT or an aggregate, or split the work into smaller cells.',
            ),
          ),
        timeoutMs,
      );
    };
    const watch = setInterval(() => {
      void readRss(pid).then((rss) => {
        if (rss > maxRssBytes) {
          fail(
            new WorkbenchError(
              'QUERY_RESOURCES',
              `The query used more than ${Math.round(maxRssBytes / 1024 / 1024)} MB of memory, the limit of a ` +
                'server query, and was stopped. Add a filter, a LIMIT or an aggregate.',
            ),
          );
        }
      });
    }, WATCH_INTERVAL_MS);
    const onAbort = () => fail(new WorkbenchError('QUERY_FAILED', 'The query was cancelled'));
    query.signal?.addEventListener('abort', onAbort, { once: true });
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      fail(
        new WorkbenchError(
          'QUERY_RESOURCES',
          `The process running the query stopped (${signal ?? `exit code ${code}`}), most likely out of ` +
            'memory; nothing else was affected. Add a filter, a LIMIT or an aggregate.',
        ),
      );
    };
    child.once('exit', onExit);
    if (query.signal?.aborted) onAbort();

    const messages: FromChild[] = [];
    const onMessage = (message: FromChild) => {
      if (message.type === 'ready') return; // startChild's own wait takes it
      messages.push(message);
      waiter?.();
    };
    child.on('message', onMessage);
    const nextMessage = async (): Promise<FromChild> => {
      while (messages.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
        waiter = null;
      }
      return messages.shift() as FromChild;
    };
    const send = (message: ToChild) => {
      if (child.connected) child.send(message);
    };

    try {
      await Promise.race([
        ready.catch(() => {
          // Its exit is reported by onExit.
        }),
        new Promise<void>((resolve) => {
          waiter = resolve;
        }),
      ]);
      waiter = null;
      if (failure) throw failure;
      const { request, results } = query;
      startQueryTimer();
      send({ type: 'run', lakeRoot: this.options.lakeRoot, request, results, limits });
      const first = await nextMessage();
      if (first.type === 'error') {
        finish(true);
        throw fromChildError(first);
      }
      if (first.type !== 'started') throw new Error(`unexpected message ${first.type} from a query process`);
      let pending = [...first.first];
      let done = first.done;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            if (pending.length > 0) {
              controller.enqueue(pending.shift() as Uint8Array);
              return;
            }
            if (done) {
              controller.close();
              finish(true);
              return;
            }
            send({ type: 'pull' });
            const message = await nextMessage();
            if (message.type === 'chunk') controller.enqueue(message.bytes);
            else if (message.type === 'end') {
              done = true;
              controller.close();
              finish(true);
            } else if (message.type === 'error') {
              finish(true);
              throw fromChildError(message);
            } else throw new Error(`unexpected message ${message.type} from a query process`);
          } catch (error) {
            finish();
            // Rows are already on their way, so a status can no longer say why the query stopped: end the Arrow
            // stream and say it in the trailer, which the workbench shows instead of a bare network error.
            if (error instanceof ApiError) {
              controller.enqueue(END_OF_STREAM);
              controller.enqueue(
                resultCutTrailer({ cut: 'error', code: error.code, message: error.message }),
              );
              controller.close();
            } else controller.error(error);
          }
        },
        cancel() {
          pending = [];
          finish();
        },
      });
      return { body, versions: first.versions };
    } catch (error) {
      finish();
      throw error;
    }
  }

  /** Kills the spare children (tests, shutdown). */
  close(): void {
    this.closed = true;
    for (const { child } of this.spares) child.kill('SIGKILL');
    this.spares = [];
  }
}

function lowerPriority(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) setPriority(child.pid, 10);
  } catch {
    // Not permitted on some systems, or already gone; the query still runs, at normal priority.
  }
}

function fromChildError(message: Extract<FromChild, { type: 'error' }>): Error {
  if (message.reason) return new WorkbenchError(message.reason, message.message);
  return new ApiError(message.code as ApiError['code'], message.message);
}
