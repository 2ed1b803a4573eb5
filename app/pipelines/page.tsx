import { SectionPage, sectionMetadata } from '../_components/section-page';

export const metadata = sectionMetadata('pipelines');

export default function PipelinesPage() {
  return <SectionPage id="pipelines" />;
}
