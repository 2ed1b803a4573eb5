'use client';

// A client component only because the active link depends on the current path (usePathname).
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { sectionList } from './sections';

const links = [{ href: '/', label: 'Home' }, ...sectionList.map(({ href, label }) => ({ href, label }))];

function isActive(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function SiteNav() {
  const pathname = usePathname();
  return (
    <nav className="site-nav" aria-label="Main">
      <ul>
        {links.map(({ href, label }) => {
          const active = isActive(pathname, href);
          return (
            <li key={href}>
              <Link href={href} aria-current={active ? 'page' : undefined} className={active ? 'active' : ''}>
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
