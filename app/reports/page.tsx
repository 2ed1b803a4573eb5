import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { ReportList } from '../_reports/report-list';
import '../_workbench/workbench.css';

export const metadata = sectionMetadata('reports');

export default function ReportsPage() {
  return (
    <>
      <SectionHeader id="reports" leadClassName="wb-muted">
        Notebooks published read-only: notes, charts and tables, run in your browser over the lake’s Delta
        tables, each saying which data it shows.
      </SectionHeader>
      <ReportList />
    </>
  );
}
