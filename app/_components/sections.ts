// One list of the product's sections feeds the navigation, the home page cards and each placeholder page,
// so a section's name, path and promised scope cannot drift apart between them.

export interface Section {
  href: string;
  /** Short name used in the navigation and the page title. */
  label: string;
  /** Who the section is for, in the words of ARCHITECTURE.md §1; read after "For". */
  audience: string;
  /** What the section does (or will do once built); shown on the home card and the not-built notice. */
  plan: string;
  /** Whether the page shows real data yet; the home card says "Not built yet" otherwise. */
  built: boolean;
}

export const sections = {
  workbench: {
    href: '/workbench',
    label: 'Workbench',
    audience: 'analysts',
    plan:
      'SQL notebooks with a Monaco editor in each cell. Queries run in your browser with DuckDB-WASM over ' +
      'Delta Lake snapshots served by this app, so ad-hoc reports never touch Oracle.',
    built: true,
  },
  reports: {
    href: '/reports',
    label: 'Reports',
    audience: 'analysts, managers and the front-end team',
    plan:
      'Notebooks published read-only: notes, charts and tables over the latest or a pinned snapshot of the ' +
      'Delta tables, run in your browser, with the data they show always stated.',
    built: true,
  },
  pipelines: {
    href: '/pipelines',
    label: 'Pipelines',
    audience: 'admins',
    plan:
      'The hourly extract from Oracle, PostgreSQL and MySQL into Delta Lake tables (full load or CDC), ' +
      'with the history of every run: rows moved, duration and errors.',
    built: true,
  },
  lineage: {
    href: '/lineage',
    label: 'Lineage',
    audience: 'admins, analysts and the front-end team',
    plan:
      'The OpenLineage graph of each table: Oracle table → raw Parquet → Delta version → MySQL table, ' +
      'run by run.',
    built: true,
  },
  sync: {
    href: '/sync',
    label: 'MySQL sync',
    audience: 'the front-end team',
    plan:
      'Live status of the MySQL tables the front-end team reads: in sync, lagging, failed or running; the ' +
      'Delta version each holds against the latest, lag in versions and minutes, the last sync and its error.',
    built: true,
  },
  schedules: {
    href: '/schedules',
    label: 'Schedules',
    audience: 'admins',
    plan: 'The Agenda job schedules: admins create, edit, pause and run jobs on demand (hourly by default).',
    built: true,
  },
  alerts: {
    href: '/alerts',
    label: 'Alerts',
    audience: 'admins',
    plan:
      'Who is told when a run or a check fails, a table goes stale or its MySQL sync fails or lags: webhook ' +
      '(Slack, Teams) and e-mail channels, rules, and the history of every message sent.',
    built: true,
  },
} satisfies Record<string, Section>;

export type SectionId = keyof typeof sections;

export const sectionList: Section[] = Object.values(sections);
