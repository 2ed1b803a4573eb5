import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { SchedulesView } from './schedules-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('schedules');

export default function SchedulesPage() {
  return (
    <>
      <SectionHeader id="schedules">
        When the worker runs each job. Changes are stored in the control database and take effect at the
        worker&rsquo;s next check, without a restart.
      </SectionHeader>
      <SchedulesView />
    </>
  );
}
