import { SectionHeader, sectionMetadata } from '../_components/section-page';
import { AlertsView } from './alerts-view';
import '../_components/admin-pages.css';

export const metadata = sectionMetadata('alerts');

export default function AlertsPage() {
  return (
    <>
      <SectionHeader id="alerts">
        One message when a condition starts and one when it clears. The worker checks after every run and
        every minute; a message that cannot be sent is retried and shown below with its error.
      </SectionHeader>
      <AlertsView />
    </>
  );
}
