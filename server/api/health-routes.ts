// Logic behind GET /api/health: liveness of the web process only. It answers without touching any database, so
// a slow control store cannot make the load balancer (or the e2e test's start-up wait) think the web process is
// down. The app/api route file only exports this.

export function getHealth(): Response {
  return Response.json(
    { status: 'ok', process: 'web', time: new Date().toISOString() },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}
