import type { UserState } from '../_lib/use-current-user';
import type { Permission } from '../_lib/control-types';

/**
 * What a page shows instead of data the viewer may not see: a log-in link for anonymous visitors, the
 * missing permission for signed-in users. Null when the viewer may see it (or while we still ask).
 */
export function AccessNotice({
  user,
  permission,
  next,
  what,
}: {
  user: UserState;
  permission: Permission;
  next: string;
  what: string;
}) {
  if (user.status === 'loading') return <p className="muted">Loading…</p>;
  if (user.status === 'error') {
    return (
      <p role="alert" className="form-error">
        {user.message}
      </p>
    );
  }
  if (user.status === 'anonymous') {
    return (
      <p className="access-notice" data-testid="access-notice">
        <a href={`/login?next=${encodeURIComponent(next)}`}>Log in</a> to see {what}.
      </p>
    );
  }
  if (!user.user.permissions.includes(permission)) {
    return (
      <p className="access-notice" data-testid="access-notice">
        Your roles ({user.user.roles.join(', ') || 'none'}) do not include {permission}, so {what} are not
        shown here; ask an admin if you need them.
      </p>
    );
  }
  return null;
}
