import type { Metadata } from 'next';
import { ReportPage } from '../../_reports/report-page';
import '../../_workbench/workbench.css';

export const metadata: Metadata = { title: 'Report' };

export default async function PublishedReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <p className="wb-breadcrumb">
        <a href="/reports">Reports</a> / report
      </p>
      <ReportPage id={id} />
    </>
  );
}
