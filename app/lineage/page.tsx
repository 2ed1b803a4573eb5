import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { LineageView } from './lineage-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('lineage');

export default function LineagePage() {
  return (
    <>
      <SectionHeader id="lineage">
        Where a table&rsquo;s data comes from and where it goes, from the OpenLineage events every run
        records: source table → raw Parquet → Delta table → MySQL table.
      </SectionHeader>
      <LineageView />
    </>
  );
}
