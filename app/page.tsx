import Link from 'next/link';
import { sectionList, sections } from './_components/sections';

interface PartStatus {
  part: string;
  built: boolean;
  detail: string;
}

// Kept by hand and deliberately plain: it says what a person can use today, and is updated with each part
// that ships rather than derived from code that may exist but not yet be wired into the app.
const partStatuses: PartStatus[] = [
  {
    part: 'Web app shell',
    built: true,
    detail: 'Layout, navigation, sign-in, and the health check at /api/health.',
  },
  {
    part: sections.workbench.label,
    built: true,
    detail: 'SQL notebooks running DuckDB-WASM in the browser over Delta snapshots, with a server path.',
  },
  {
    part: sections.pipelines.label,
    built: true,
    detail: 'Run history with live per-stage progress, logs and errors; admins cancel running runs.',
  },
  {
    part: sections.lineage.label,
    built: true,
    detail: 'Upstream and downstream graph of any dataset, with each node’s latest run status and version.',
  },
  {
    part: sections.sync.label,
    built: true,
    detail:
      'Each pipeline run syncs its tables into MySQL; the status page and /api/sync/status (JSON or ' +
      'Prometheus) show how fresh each table is.',
  },
  {
    part: sections.schedules.label,
    built: true,
    detail: 'Cron schedules with next runs and last status; admins create, edit, pause, resume and run now.',
  },
  {
    part: sections.alerts.label,
    built: true,
    detail:
      'One webhook (Slack, Teams) or e-mail message when a run or check fails, a table goes stale or its ' +
      'sync fails or lags, and one when it recovers; with the history of every message.',
  },
];

export default function HomePage() {
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">County data team</p>
        <h1>County Lakehouse Workbench</h1>
        <p className="lead">
          This product takes the analytical load off the county&rsquo;s Oracle database: every hour, pipelines
          copy operational tables into versioned Delta Lake tables and on into MySQL.
        </p>
      </header>

      <section aria-labelledby="users-title" className="block">
        <h2 id="users-title">Who it is for</h2>
        <ul className="audiences">
          <li>
            <strong>Analysts</strong> write SQL in browser notebooks that run over Delta snapshots, without
            ever touching Oracle.
          </li>
          <li>
            <strong>The front-end team</strong> will see whether the MySQL tables they read are fresh, and why
            not when they are not.
          </li>
          <li>
            <strong>Admins</strong> schedule the jobs, follow their runs and failures, and trace each
            table&rsquo;s lineage.
          </li>
        </ul>
      </section>

      <section aria-labelledby="sections-title" className="block">
        <h2 id="sections-title">Sections</h2>
        <ul className="cards">
          {sectionList.map((section) => (
            <li key={section.href} className="card">
              <h3>
                <Link href={section.href} className="card-link">
                  {section.label}
                </Link>
              </h3>
              <p className="card-audience">For {section.audience}</p>
              <p>{section.plan}</p>
              {section.built ? null : <p className="badge badge-pending">Not built yet</p>}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="status-title" className="block">
        <h2 id="status-title">Build status</h2>
        <ul className="status-list" data-testid="build-status">
          {partStatuses.map(({ part, built, detail }) => (
            <li key={part}>
              <span className="status-part">{part}</span>
              <span className={built ? 'badge badge-done' : 'badge badge-pending'}>
                {built ? 'Built' : 'Not built yet'}
              </span>
              <span className="status-detail">{detail}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
