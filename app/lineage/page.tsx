import { SectionPage, sectionMetadata } from '../_components/section-page';

export const metadata = sectionMetadata('lineage');

export default function LineagePage() {
  return <SectionPage id="lineage" />;
}
