import type { Metadata } from 'next';
import { NotebookPage } from '../../_workbench/notebook/notebook-page';
import '../../_workbench/workbench.css';

export const metadata: Metadata = { title: 'Notebook' };

export default async function WorkbenchNotebookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <p className="wb-breadcrumb">
        <a href="/workbench">Workbench</a> / notebook
      </p>
      <NotebookPage id={id} />
    </>
  );
}
