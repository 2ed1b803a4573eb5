import { Suspense } from 'react';
import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { PipelinesView } from './pipelines-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('pipelines');

export default function PipelinesPage() {
  return (
    <>
      <SectionHeader id="pipelines">
        Every run the worker records: its status, trigger, timing and how far each stage got. Updates live
        while a run is running.
      </SectionHeader>
      {/* useSearchParams (the selected run) needs a Suspense boundary in a statically rendered page. */}
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <PipelinesView />
      </Suspense>
    </>
  );
}
