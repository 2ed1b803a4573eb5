import type { Metadata } from 'next';
import { sections } from '../_components/sections';
import { NotebookList } from '../_workbench/notebook/notebook-list';
import '../_workbench/workbench.css';

export const metadata: Metadata = { title: sections.workbench.label, description: sections.workbench.plan };

export default function WorkbenchPage() {
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">For {sections.workbench.audience}</p>
        <h1>{sections.workbench.label}</h1>
        <p className="wb-muted">
          SQL notebooks that run in your browser with DuckDB-WASM over the lake’s Delta tables. Notebooks are
          saved on the server as plain .sql files.
        </p>
      </header>
      <NotebookList />
    </>
  );
}
