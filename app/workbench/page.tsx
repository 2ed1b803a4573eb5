import { SectionPage, sectionMetadata } from '../_components/section-page';

export const metadata = sectionMetadata('workbench');

export default function WorkbenchPage() {
  return <SectionPage id="workbench" />;
}
