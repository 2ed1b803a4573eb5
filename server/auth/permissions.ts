// Roles and what each may do (issue 6). Every API route names one permission and the server checks the
// caller's roles against this table; the UI hides what a role cannot do, but never enforces it.

export const ROLES = ['admin', 'analyst', 'frontend'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'workbench', // query Delta snapshots and lake files, notebooks, query history
  'catalog:read', // table list, schemas, versions
  'lineage:read',
  'sync:read', // MySQL sync status
  'runs:read', // run records and logs
  'schedules:read',
  'schedules:write', // create, edit, pause, resume, delete schedules
  'runs:write', // run now, cancel
  'delta:restore', // roll a Delta table back
  'signins:read', // the log of failed sign-ins
  'alerts', // alert channels, rules and history; send a test message
  'reports:read', // published reports (each report also names the roles that may read it)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  analyst: ['workbench', 'catalog:read', 'lineage:read', 'reports:read'],
  // Issue 6: the front-end team sees sync status and lineage; the catalog belongs to the workbench. Issue 15:
  // and published reports, which read only the table versions they name.
  frontend: ['sync:read', 'lineage:read', 'reports:read'],
};

export interface SessionUser {
  username: string;
  roles: Role[];
}

export function hasPermission(user: Pick<SessionUser, 'roles'>, permission: Permission): boolean {
  return user.roles.some((role) => GRANTS[role].includes(permission));
}
