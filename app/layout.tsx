import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { SiteNav } from './_components/site-nav';
import './globals.css';

const productName = 'County Lakehouse Workbench';

export const metadata: Metadata = {
  title: { default: productName, template: `%s · ${productName}` },
  description: 'Analyst workbench and lakehouse pipelines for the county data team.',
  // An internal tool: keep it out of any search index that might reach it.
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { themeColor: '#12304f' };

// Every page is rendered per request: Next stamps the proxy's per-request CSP nonce on its inline scripts only
// while rendering, so a page prerendered at build time would carry none and its scripts would be blocked.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header-inner">
            <Link href="/" className="brand">
              <span className="brand-mark" aria-hidden="true" />
              <span>{productName}</span>
            </Link>
            <SiteNav />
          </div>
        </header>
        <main id="main" className="site-main">
          {children}
        </main>
        <footer className="site-footer">
          <p>
            County data team · internal tool · every asset is served by this app, nothing from the internet.
          </p>
        </footer>
      </body>
    </html>
  );
}
