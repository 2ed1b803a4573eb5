import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { SyncStatusView } from './sync-status-view';

export const metadata = sectionMetadata('sync');

export default function SyncPage() {
  return (
    <>
      <SectionHeader id="sync" leadClassName="sync-lead">
        How fresh each MySQL table is: the Delta version it holds, how far it lags behind, the last sync and
        its error. Monitoring can scrape <code>/api/sync/status?format=prometheus</code>.
      </SectionHeader>
      <SyncStatusView />
    </>
  );
}
