import type { Metadata } from 'next';
import { NotBuiltNotice } from './not-built-notice';
import { sections, type SectionId } from './sections';

export function sectionMetadata(id: SectionId): Metadata {
  return { title: sections[id].label, description: sections[id].plan };
}

/** The shared body of a section that is not built yet: its heading, audience and the not-built notice. */
export function SectionPage({ id }: { id: SectionId }) {
  const section = sections[id];
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">For {section.audience}</p>
        <h1>{section.label}</h1>
      </header>
      <NotBuiltNotice section={section} />
    </>
  );
}
