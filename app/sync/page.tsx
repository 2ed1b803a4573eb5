import { SectionPage, sectionMetadata } from '../_components/section-page';

export const metadata = sectionMetadata('sync');

export default function SyncPage() {
  return <SectionPage id="sync" />;
}
