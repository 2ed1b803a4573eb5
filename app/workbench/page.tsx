import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { NotebookList } from '../_workbench/notebook/notebook-list';
import '../_workbench/workbench.css';

export const metadata = sectionMetadata('workbench');

export default function WorkbenchPage() {
  return (
    <>
      <SectionHeader id="workbench" leadClassName="wb-muted">
        SQL notebooks that run in your browser with DuckDB-WASM over the lake’s Delta tables. Notebooks are
        saved on the server as plain .sql files.
      </SectionHeader>
      <NotebookList />
    </>
  );
}
