import type { Metadata } from 'next';
import { sections } from '../_components/sections';
import { SyncStatusView } from './sync-status-view';

export const metadata: Metadata = { title: sections.sync.label, description: sections.sync.plan };

export default function SyncPage() {
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">For {sections.sync.audience}</p>
        <h1>{sections.sync.label}</h1>
        <p className="sync-lead">
          How fresh each MySQL table is: the Delta version it holds, how far it lags behind, the last sync and
          its error. Monitoring can scrape <code>/api/sync/status?format=prometheus</code>.
        </p>
      </header>
      <SyncStatusView />
    </>
  );
}
