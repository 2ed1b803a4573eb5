// Liveness of the web process only: it answers without touching any database, so a slow control store
// cannot make the load balancer (or the e2e test's start-up wait) think the web process is down.

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json(
    { status: 'ok', process: 'web', time: new Date().toISOString() },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}
