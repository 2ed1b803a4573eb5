// One list of the product's sections feeds the navigation, the home page cards and each placeholder page,
// so a section's name, path and promised scope cannot drift apart between them.

export interface Section {
  href: string;
  /** Short name used in the navigation and the page title. */
  label: string;
  /** Who the section is for, in the words of ARCHITECTURE.md §1; read after "For". */
  audience: string;
  /** What the section will do once built; shown on the home card and the not-built notice. */
  plan: string;
}

export const sections = {
  workbench: {
    href: '/workbench',
    label: 'Workbench',
    audience: 'analysts',
    plan:
      'SQL notebooks with a Monaco editor in each cell. Queries run in your browser with DuckDB-WASM over ' +
      'Delta Lake snapshots served by this app, so ad-hoc reports never touch Oracle.',
  },
  pipelines: {
    href: '/pipelines',
    label: 'Pipelines',
    audience: 'admins',
    plan:
      'The hourly extract from Oracle, PostgreSQL and MySQL into Delta Lake tables (full load or CDC), ' +
      'with the history of every run: rows moved, duration and errors.',
  },
  lineage: {
    href: '/lineage',
    label: 'Lineage',
    audience: 'admins',
    plan:
      'The OpenLineage graph of each table: Oracle table → raw Parquet → Delta version → MySQL table, ' +
      'run by run.',
  },
  sync: {
    href: '/sync',
    label: 'MySQL sync',
    audience: 'the front-end team',
    plan:
      'Per-table sync status of the MySQL copies the front-end team reads: the Delta version each table ' +
      'holds, how far it lags behind, and the last error.',
  },
  schedules: {
    href: '/schedules',
    label: 'Schedules',
    audience: 'admins',
    plan: 'The Agenda job schedules: admins will edit, pause and run jobs on demand (hourly by default).',
  },
} satisfies Record<string, Section>;

export type SectionId = keyof typeof sections;

export const sectionList: Section[] = Object.values(sections);
