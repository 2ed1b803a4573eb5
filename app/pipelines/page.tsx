import { Suspense } from 'react';
import { sectionMetadata } from '../_components/section-page';
import { sections } from '../_components/sections';
import { PipelinesView } from './pipelines-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('pipelines');

export default function PipelinesPage() {
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">For {sections.pipelines.audience}</p>
        <h1>{sections.pipelines.label}</h1>
        <p className="lead">
          Every run the worker records: its status, trigger, timing and how far each stage got. Updates live
          while a run is running.
        </p>
      </header>
      {/* useSearchParams (the selected run) needs a Suspense boundary in a statically rendered page. */}
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <PipelinesView />
      </Suspense>
    </>
  );
}
