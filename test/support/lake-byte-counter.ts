// A pass-through HTTP proxy in front of the app that counts the body bytes the lake file routes send: what the
// server really served, whatever the page answered from its own caches. Tests and the workbench benchmark point
// the browser at its URL instead of the app's.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

const LAKE_ROUTE = /^\/api\/(lake|reports\/[^/]+\/lake)\//;

export interface LakeByteCounter {
  /** Origin of the proxy, e.g. http://127.0.0.1:41235. */
  url: string;
  /** Body bytes of lake file GETs answered since the start. */
  bytes(): number;
  /** Lake file requests seen (HEAD and GET). */
  requests(): { method: string; path: string; range: string | null; status: number }[];
  stop(): Promise<void>;
}

export async function startLakeByteCounter(target: string): Promise<LakeByteCounter> {
  const upstream = new URL(target);
  let bytes = 0;
  const seen: { method: string; path: string; range: string | null; status: number }[] = [];
  const server = http.createServer((request, response) => {
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        // The browser's Host stays: the app compares it with Origin before a state-changing request.
        headers: request.headers,
      },
      (answer) => {
        const pathname = new URL(request.url ?? '/', target).pathname;
        const lake = LAKE_ROUTE.test(pathname);
        if (lake) {
          seen.push({
            method: request.method ?? '',
            path: pathname,
            range: (request.headers.range as string | undefined) ?? null,
            status: answer.statusCode ?? 0,
          });
          if (request.method === 'GET') answer.on('data', (chunk: Buffer) => (bytes += chunk.length));
        }
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`lake byte counter: ${error.message}`);
    });
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => bytes,
    requests: () => [...seen],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
