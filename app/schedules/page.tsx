import { sectionMetadata } from '../_components/section-page';
import { sections } from '../_components/sections';
import { SchedulesView } from './schedules-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('schedules');

export default function SchedulesPage() {
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">For {sections.schedules.audience}</p>
        <h1>{sections.schedules.label}</h1>
        <p className="lead">
          When the worker runs each job. Changes are stored in the control database and take effect at the
          worker&rsquo;s next check, without a restart.
        </p>
      </header>
      <SchedulesView />
    </>
  );
}
