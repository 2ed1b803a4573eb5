import { SectionPage, sectionMetadata } from '../_components/section-page';

export const metadata = sectionMetadata('schedules');

export default function SchedulesPage() {
  return <SectionPage id="schedules" />;
}
