import { sectionMetadata } from '../_components/section-page';
import { sections } from '../_components/sections';
import { LineageView } from './lineage-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('lineage');

export default function LineagePage() {
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">For {sections.lineage.audience}</p>
        <h1>{sections.lineage.label}</h1>
        <p className="lead">
          Where a table&rsquo;s data comes from and where it goes, from the OpenLineage events every run
          records: source table → raw Parquet → Delta table → MySQL table.
        </p>
      </header>
      <LineageView />
    </>
  );
}
